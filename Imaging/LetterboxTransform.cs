using OpenCvSharp;
using TorchSharp;
using Scalar = OpenCvSharp.Scalar;
using Tensor = TorchSharp.torch.Tensor;

namespace ParNetDetect.Imaging;

/// <summary>
/// Resizes keeping the aspect ratio into a square canvas of side <see cref="Size"/>, padding with grey 114
/// (the convention YOLO models are trained with), and records the placement in <see cref="LetterboxInfo"/>.
/// Shared by training (validation mode), evaluation, prediction and the live service. The service's fast path,
/// <see cref="ToTensor"/>, resizes into a reused canvas and converts straight into the caller's tensor memory:
/// nothing is allocated per frame. One instance per thread.
/// </summary>
public sealed class LetterboxTransform : IDisposable
{
    public const byte PadValue = 114;
    readonly Mat _canvas;
    readonly ChwTensorWriter _writer = new();
    readonly Mat _converted = new();
    LetterboxInfo? _lastLayout;

    public LetterboxTransform(int size)
    {
        if (size <= 0 || size % 2 != 0) throw new ArgumentException($"letterbox size must be a positive even number (got {size}).");
        Size = size;
        _canvas = new Mat(size, size, MatType.CV_8UC3, new Scalar(PadValue, PadValue, PadValue));
    }

    public int Size { get; }

    /// <summary>Letterboxes <paramref name="bgr"/> (8-bit BGR; grey and BGRA are converted) into <paramref name="canvas"/> (created or reused, Size x Size 8UC3).</summary>
    public LetterboxInfo Apply(Mat bgr, Mat canvas)
    {
        var info = LetterboxInfo.Compute(bgr.Cols, bgr.Rows, Size);
        canvas.Create(Size, Size, MatType.CV_8UC3);
        canvas.SetTo(new Scalar(PadValue, PadValue, PadValue));
        ResizeInto(bgr, canvas, info);
        return info;
    }

    /// <summary>
    /// The fast path: letterboxes a BGR frame into <paramref name="destination"/>, a contiguous float32 CPU tensor
    /// of shape (3, S, S) or (1, 3, S, S), as RGB in [0,1].
    /// </summary>
    public unsafe LetterboxInfo ToTensor(Mat bgr, Tensor destination)
    {
        CheckDestination(destination);
        var info = LetterboxInfo.Compute(bgr.Cols, bgr.Rows, Size);
        if (_lastLayout is not { } last || last.Resized != info.Resized || last.PadX != info.PadX || last.PadY != info.PadY)
        {
            // The grey border only needs painting when the layout changes (a camera's frames all share one).
            _canvas.SetTo(new Scalar(PadValue, PadValue, PadValue));
            _lastLayout = info;
        }
        ResizeInto(bgr, _canvas, info);
        fixed (byte* data = destination.bytes) _writer.Write(_canvas, (float*)data);
        return info;
    }

    void CheckDestination(Tensor t)
    {
        bool shapeOk = t.shape is [3, var h, var w] && h == Size && w == Size
                       || t.shape is [1, 3, var h1, var w1] && h1 == Size && w1 == Size;
        if (!shapeOk || t.dtype != torch.ScalarType.Float32 || t.device_type != DeviceType.CPU || !t.is_contiguous())
            throw new ArgumentException(
                $"letterbox destination must be a contiguous float32 CPU tensor of shape (3,{Size},{Size}) or (1,3,{Size},{Size}); " +
                $"got {t.dtype} ({string.Join(",", t.shape)}) on {t.device}.");
    }

    void ResizeInto(Mat image, Mat canvas, LetterboxInfo info)
    {
        var bgr = AsBgr(image);
        (int w, int h) = info.Resized;
        using var roi = new Mat(canvas, new Rect((int)info.PadX, (int)info.PadY, w, h));
        if (bgr.Cols == w && bgr.Rows == h) bgr.CopyTo(roi);
        else Cv2.Resize(bgr, roi, new OpenCvSharp.Size(w, h), 0, 0, InterpolationFlags.Linear);
    }

    /// <summary>Grey and BGRA frames (some cameras, PNGs with alpha) are converted; other depths are refused.</summary>
    Mat AsBgr(Mat image)
    {
        if (image.Depth() != MatType.CV_8U)
            throw new ArgumentException($"expected an 8-bit image, got {image.Type()}.");
        switch (image.Channels())
        {
            case 3: return image;
            case 1: Cv2.CvtColor(image, _converted, ColorConversionCodes.GRAY2BGR); return _converted;
            case 4: Cv2.CvtColor(image, _converted, ColorConversionCodes.BGRA2BGR); return _converted;
            default: throw new ArgumentException($"expected a grey, BGR or BGRA image, got {image.Channels()} channels.");
        }
    }

    public void Dispose()
    {
        _converted.Dispose();
        _canvas.Dispose();
        _writer.Dispose();
    }
}
