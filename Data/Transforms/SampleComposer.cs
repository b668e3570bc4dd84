using OpenCvSharp;
using ParNetDetect.Imaging;
using Scalar = OpenCvSharp.Scalar;
using Size = OpenCvSharp.Size;

namespace ParNetDetect.Data;

/// <summary>
/// Makes one S x S sample (BGR image + target boxes) from a dataset: letterbox only for validation; for training
/// mosaic or a single image, then random scale/translate, HSV gains and a horizontal flip, boxes transformed with
/// the image, clipped, and dropped when degenerate or mostly out of frame. Every random choice comes from the
/// <see cref="Random"/> passed in, so a sample is reproducible from its seed whatever thread makes it.
/// Holds reused Mats: one instance per worker thread.
/// </summary>
public sealed class SampleComposer : IDisposable
{
    static readonly Scalar Grey = new(LetterboxTransform.PadValue, LetterboxTransform.PadValue, LetterboxTransform.PadValue);

    readonly IDetectionDataset _dataset;
    readonly int _size;
    readonly AugmentationOptions _options;
    readonly LetterboxTransform _letterbox;
    readonly Mat _mosaic = new();
    readonly Mat _hsv = new();
    readonly Mat _hsvLut = new(1, 256, MatType.CV_8UC3);
    readonly List<TargetBox> _candidates = new();

    public SampleComposer(IDetectionDataset dataset, int size, AugmentationOptions? options = null, DatasetIssues? issues = null)
    {
        Issues = issues ?? new DatasetIssues();
        _dataset = dataset;
        _size = size;
        _options = options ?? AugmentationOptions.None;
        _letterbox = new LetterboxTransform(size);
    }

    /// <summary>Counts images that failed to decode (the caller substitutes another).</summary>
    public DatasetIssues Issues { get; }

    /// <summary>Validation sample: letterboxed image into <paramref name="output"/>, non-crowd boxes on it.
    /// Null when the image cannot be decoded (counted in <see cref="Issues"/>).</summary>
    public LetterboxInfo? TryCompose(int index, Mat output, List<TargetBox> boxes)
    {
        boxes.Clear();
        var record = _dataset[index];
        using var image = Decode(record);
        if (image == null) return null;
        var info = _letterbox.Apply(image, output);
        AddTargets(record, image, boxes, (x, y) => (x * info.Scale + info.PadX, y * info.Scale + info.PadY));
        return info;
    }

    /// <summary>
    /// Training sample. Returns false when an image of it cannot be decoded (counted); the caller draws another.
    /// </summary>
    public bool TryComposeAugmented(int index, bool mosaic, Random rng, Mat output, List<TargetBox> boxes)
    {
        boxes.Clear();
        _candidates.Clear();
        // The random affine step: scale by gain about the centre, which moves to (shiftX, shiftY).
        float gain = 1 + Uniform(rng, _options.Scale);
        float shiftX = _size * (0.5f + Uniform(rng, _options.Translate));
        float shiftY = _size * (0.5f + Uniform(rng, _options.Translate));
        if (mosaic)
        {
            if (!TryBuildMosaic(index, rng)) return false;
            // The 2S canvas's centre goes to the shift point.
            Place(_mosaic, new Similarity(gain, shiftX - gain * _size, shiftY - gain * _size), output, boxes);
        }
        else
        {
            var record = _dataset[index];
            using var image = Decode(record);
            if (image == null) return false;
            AddTargets(record, image, _candidates, (x, y) => (x, y));
            // Letterbox placement first, then the random affine about the canvas centre; all off = plain letterbox.
            var letterbox = LetterboxInfo.Compute(image.Cols, image.Rows, _size);
            float half = _size / 2f;
            Place(image, new Similarity(gain * letterbox.Scale, gain * (letterbox.PadX - half) + shiftX, gain * (letterbox.PadY - half) + shiftY), output, boxes);
        }
        if (_options.HasHsv) ApplyHsv(output, rng);
        if (rng.NextSingle() < _options.FlipProbability)
        {
            Cv2.Flip(output, output, FlipMode.Y);
            for (int i = 0; i < boxes.Count; i++)
            {
                var b = boxes[i];
                boxes[i] = b with { X1 = _size - b.X2, X2 = _size - b.X1 };
            }
        }
        return true;
    }

    /// <summary>
    /// YOLOv5's mosaic: a 2S x 2S grey canvas, a random centre in [S/2, 3S/2], and four images (each resized so its
    /// long side is S) meeting at the centre, top-left / top-right / bottom-left / bottom-right, cropped at the
    /// canvas edge. Box candidates are collected in canvas pixels.
    /// </summary>
    bool TryBuildMosaic(int index, Random rng)
    {
        int s = _size, canvas = 2 * s;
        _mosaic.Create(canvas, canvas, MatType.CV_8UC3);
        _mosaic.SetTo(Grey);
        int xc = rng.Next(s / 2, s + s / 2 + 1), yc = rng.Next(s / 2, s + s / 2 + 1);
        Span<int> indices = [index, rng.Next(_dataset.Count), rng.Next(_dataset.Count), rng.Next(_dataset.Count)];
        for (int tile = 0; tile < 4; tile++)
        {
            var record = _dataset[indices[tile]];
            using var image = Decode(record);
            if (image == null) return false;
            float r = (float)s / Math.Max(image.Cols, image.Rows);
            int w = Math.Max(1, (int)MathF.Round(image.Cols * r)), h = Math.Max(1, (int)MathF.Round(image.Rows * r));
            // Where the resized image lands on the canvas (a) and which part of it is visible (offset b).
            (int x1a, int y1a, int x2a, int y2a) = tile switch
            {
                0 => (Math.Max(xc - w, 0), Math.Max(yc - h, 0), xc, yc),
                1 => (xc, Math.Max(yc - h, 0), Math.Min(xc + w, canvas), yc),
                2 => (Math.Max(xc - w, 0), yc, xc, Math.Min(yc + h, canvas)),
                _ => (xc, yc, Math.Min(xc + w, canvas), Math.Min(yc + h, canvas)),
            };
            int x1b = tile is 0 or 2 ? w - (x2a - x1a) : 0;
            int y1b = tile is 0 or 1 ? h - (y2a - y1a) : 0;
            if (x2a <= x1a || y2a <= y1a) continue;
            using (var roi = new Mat(_mosaic, new Rect(x1a, y1a, x2a - x1a, y2a - y1a)))
            using (var m = PixelMatrix(r, -x1b, -y1b))
                Cv2.WarpAffine(image, roi, m, roi.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
            int dx = x1a - x1b, dy = y1a - y1b;
            AddTargets(record, image, _candidates, (x, y) => (x * r + dx, y * r + dy));
        }
        // Clip to the canvas; what is left is filtered after the affine step.
        for (int i = 0; i < _candidates.Count; i++)
        {
            var b = _candidates[i];
            _candidates[i] = new TargetBox(b.ClassIndex, Math.Clamp(b.X1, 0, canvas), Math.Clamp(b.Y1, 0, canvas),
                Math.Clamp(b.X2, 0, canvas), Math.Clamp(b.Y2, 0, canvas));
        }
        return true;
    }

    /// <summary>A scale and a shift: x' = Scale * x + Tx, y' = Scale * y + Ty (continuous pixel coordinates).</summary>
    readonly record struct Similarity(float Scale, float Tx, float Ty);

    /// <summary>Warps <paramref name="source"/> into the S x S output and moves the box candidates with it.</summary>
    void Place(Mat source, Similarity t, Mat output, List<TargetBox> boxes)
    {
        output.Create(_size, _size, MatType.CV_8UC3);
        using (var m = PixelMatrix(t.Scale, t.Tx, t.Ty))
            Cv2.WarpAffine(source, output, m, new Size(_size, _size), InterpolationFlags.Linear, BorderTypes.Constant, Grey);
        TransformCandidates(t, boxes);
    }

    /// <summary>
    /// OpenCV's matrix for the continuous map x' = scale * x + t. OpenCV indexes pixel centres, so the matrix
    /// carries the half-pixel terms that make it agree with cv::resize and with box coordinates.
    /// </summary>
    static Mat PixelMatrix(float scale, float tx, float ty)
    {
        var m = new Mat(2, 3, MatType.CV_64FC1);
        double half = 0.5 * scale - 0.5;
        m.Set(0, 0, (double)scale); m.Set(0, 1, 0.0); m.Set(0, 2, tx + half);
        m.Set(1, 0, 0.0); m.Set(1, 1, (double)scale); m.Set(1, 2, ty + half);
        return m;
    }

    /// <summary>Candidates through the affine step, clipped to the output and filtered (YOLOv5's box_candidates).</summary>
    void TransformCandidates(Similarity t, List<TargetBox> boxes)
    {
        foreach (var b in _candidates)
        {
            float x1 = t.Scale * b.X1 + t.Tx, x2 = t.Scale * b.X2 + t.Tx;
            float y1 = t.Scale * b.Y1 + t.Ty, y2 = t.Scale * b.Y2 + t.Ty;
            float scaledArea = (x2 - x1) * (y2 - y1);
            x1 = Math.Clamp(x1, 0, _size); x2 = Math.Clamp(x2, 0, _size);
            y1 = Math.Clamp(y1, 0, _size); y2 = Math.Clamp(y2, 0, _size);
            float w = x2 - x1, h = y2 - y1;
            if (w <= _options.MinBoxSide || h <= _options.MinBoxSide || w <= 0 || h <= 0) continue;
            if (w * h < _options.MinVisibleArea * scaledArea) continue;
            if (Math.Max(w / h, h / w) > 100) continue;
            boxes.Add(new TargetBox(b.ClassIndex, x1, y1, x2, y2));
        }
    }

    /// <summary>YOLOv5's augment_hsv: random gains on hue (wrapping at 180), saturation and value via one 3-channel LUT.</summary>
    void ApplyHsv(Mat image, Random rng)
    {
        float gh = 1 + Uniform(rng, _options.HueGain), gs = 1 + Uniform(rng, _options.SaturationGain), gv = 1 + Uniform(rng, _options.ValueGain);
        var lut = _hsvLut.AsSpan<Vec3b>();
        for (int x = 0; x < 256; x++)
            lut[x] = new Vec3b((byte)((int)(x * gh) % 180), Saturate(x * gs), Saturate(x * gv));
        Cv2.CvtColor(image, _hsv, ColorConversionCodes.BGR2HSV);
        Cv2.LUT(_hsv, _hsvLut, _hsv);
        Cv2.CvtColor(_hsv, image, ColorConversionCodes.HSV2BGR);
    }

    static byte Saturate(float v) => (byte)Math.Clamp((int)v, 0, 255);

    static float Uniform(Random rng, float halfWidth) => halfWidth == 0 ? 0 : (rng.NextSingle() * 2 - 1) * halfWidth;

    Mat? Decode(ImageRecord record)
    {
        var image = ImageDecoder.TryDecode(record.FilePath);
        if (image == null) Issues.Add(DatasetIssues.CorruptImage, record.FilePath);
        return image;
    }

    /// <summary>The record's non-crowd boxes as corners mapped by <paramref name="map"/>; annotations are in the
    /// record's size, which a re-encoded file may not share, so they are first scaled to the decoded image.</summary>
    static void AddTargets(ImageRecord record, Mat image, List<TargetBox> boxes, Func<float, float, (float, float)> map)
    {
        float sx = (float)image.Cols / record.Width, sy = (float)image.Rows / record.Height;
        foreach (var a in record.Annotations)
        {
            if (a.IsCrowd) continue;
            (float x1, float y1) = map(a.Box.X * sx, a.Box.Y * sy);
            (float x2, float y2) = map(a.Box.Right * sx, a.Box.Bottom * sy);
            boxes.Add(new TargetBox(a.ClassIndex, x1, y1, x2, y2));
        }
    }

    public void Dispose()
    {
        _letterbox.Dispose();
        _mosaic.Dispose();
        _hsv.Dispose();
        _hsvLut.Dispose();
    }
}
