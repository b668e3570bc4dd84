using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Imaging;
using ParNetDetect.Inference.Backends;
using static TorchSharp.torch;

namespace ParNetDetect.Inference;

/// <summary>
/// Inference facade: a trained detector that takes BGR images and returns detections in the images' own pixels.
/// Letterboxing uses Imaging's <see cref="LetterboxTransform"/> (the same as training and validation), the network
/// runs in an <see cref="IDetectorBackend"/>. Not thread-safe: one instance per thread (the letterbox canvas and
/// input buffer are reused).
/// </summary>
public sealed class Detector : IDisposable
{
    /// <summary>The name that selects the bundled demo model.</summary>
    public const string DemoName = "demo";

    /// <summary>The bundled demo model's file, copied beside the assemblies.</summary>
    public const string DemoFile = "models/parnet-n-yolo-synth.ckpt";

    readonly LetterboxTransform _letterbox;
    readonly Tensor _single;

    /// <param name="backend">Runs the network; the detector owns it.</param>
    /// <param name="imageSize">The side images are letterboxed to (a multiple of the largest stride); null: the model's
    /// own (<see cref="CheckpointInfo.InferenceImageSize"/>: where its thresholds were calibrated, else its trained size).</param>
    public Detector(IDetectorBackend backend, int? imageSize = null)
    {
        Backend = backend;
        ImageSize = imageSize ?? backend.Info.InferenceImageSize;
        backend.CheckInputSide(ImageSize);
        _letterbox = new LetterboxTransform(ImageSize);
        _single = zeros(1, 3, ImageSize, ImageSize);
    }

    /// <summary>
    /// Loads weights ("demo" for the bundled model, a checkpoint or an exported .onnx file) into the backend
    /// <paramref name="options"/> ask for (by default: by the file's type, on the CPU), run at
    /// <paramref name="imageSize"/> (null: the model's own).
    /// </summary>
    public static Detector Load(string weights, BackendOptions? options = null, int? imageSize = null)
    {
        var backend = DetectorBackends.Open(ResolveWeights(weights), options ?? BackendOptions.Default);
        try { return new Detector(backend, imageSize); }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>"demo" -> the bundled model; anything else must be an existing file.</summary>
    public static string ResolveWeights(string weights)
    {
        if (weights != DemoName) return weights;
        string bundled = Path.Combine(AppContext.BaseDirectory, DemoFile);
        return File.Exists(bundled) ? bundled
            : throw new FileNotFoundException($"the demo model is not bundled with this build (expected {bundled}).", bundled);
    }

    public IDetectorBackend Backend { get; }
    public CheckpointInfo Info => Backend.Info;
    public string Source => Backend.Source;
    public IReadOnlyList<string> ClassNames => Info.ClassNames;
    public int ImageSize { get; }

    /// <summary>
    /// <paramref name="options"/> (by default <see cref="DetectOptions.Default"/>) with the model's own score
    /// thresholds, per class when calibrated (`detect val --calibrate`), in place of its confidence threshold: what
    /// predict and the service use unless the user sets one. NMS applies them.
    /// </summary>
    public DetectOptions AtModelThresholds(DetectOptions? options = null) => (options ?? DetectOptions.Default) with
    {
        ConfidenceThreshold = Info.ScoreThreshold,
        ClassConfidenceThresholds = Info.ClassScoreThresholds,
    };

    /// <summary>Detections on one 8-bit BGR image (grey and BGRA are converted), in its pixels, best first.</summary>
    public IReadOnlyList<Detection> Detect(Mat bgr, DetectOptions? options = null)
    {
        using var scope = NewDisposeScope();
        var info = Letterbox(bgr, _single, 0);
        return Run(_single, [info], options)[0];
    }

    /// <summary>Detections on several 8-bit BGR (or grey, BGRA) images in one forward pass, each in its own pixels.</summary>
    public IReadOnlyList<Detection>[] Detect(IReadOnlyList<Mat> bgrImages, DetectOptions? options = null)
    {
        if (bgrImages.Count == 0) return [];
        using var scope = NewDisposeScope();
        var batch = zeros(bgrImages.Count, 3, ImageSize, ImageSize);
        var infos = new LetterboxInfo[bgrImages.Count];
        for (int i = 0; i < infos.Length; i++)
        {
            infos[i] = Letterbox(bgrImages[i], batch[i], i);
        }
        return Run(batch, infos, options);
    }

    /// <summary>
    /// Detections for letterboxed images already in a tensor (N, 3, S, S) RGB in [0, 1], e.g. a validation batch;
    /// each row's boxes are mapped back through its <see cref="LetterboxInfo"/>.
    /// </summary>
    public IReadOnlyList<Detection>[] Run(Tensor images, IReadOnlyList<LetterboxInfo> letterbox, DetectOptions? options = null) =>
        Run(Backend, images, letterbox, options);

    /// <summary>As the instance method, for any backend (batch evaluation runs the trainer's live model this way).</summary>
    public static IReadOnlyList<Detection>[] Run(IDetectorBackend backend, Tensor images, IReadOnlyList<LetterboxInfo> letterbox,
        DetectOptions? options = null)
    {
        if (images.shape[0] != letterbox.Count)
            throw new ArgumentException($"{images.shape[0]} images but {letterbox.Count} letterbox placements.");
        using var scope = NewDisposeScope();
        var predictions = backend.Predict(images);
        var perImage = Nms.Run(predictions, options ?? DetectOptions.Default);
        for (int i = 0; i < perImage.Length; i++)
            perImage[i] = ToOriginal(perImage[i], letterbox[i]);
        return perImage;
    }

    /// <summary>Canvas boxes to original-image boxes (clipped); boxes that collapse to nothing are dropped.</summary>
    public static List<Detection> ToOriginal(IReadOnlyList<Detection> canvas, LetterboxInfo info)
    {
        var mapped = new List<Detection>(canvas.Count);
        foreach (var d in canvas)
        {
            var (x1, y1, x2, y2) = info.ToOriginal(d.X1, d.Y1, d.X2, d.Y2);
            if (x2 > x1 && y2 > y1) mapped.Add(new Detection(x1, y1, x2, y2, d.Score, d.ClassIndex));
        }
        return mapped;
    }

    /// <summary>Letterboxes one input into a batch row; the letterbox converts grey and BGRA and refuses other
    /// types, and this names the image when it does.</summary>
    LetterboxInfo Letterbox(Mat image, Tensor row, int index)
    {
        if (image.Empty()) throw new ArgumentException($"image {index} is an empty Mat.");
        try { return _letterbox.ToTensor(image, row); }
        catch (ArgumentException e) { throw new ArgumentException($"image {index}: {e.Message}", e); }
    }

    public void Dispose()
    {
        Backend.Dispose();
        _letterbox.Dispose();
        _single.Dispose();
    }
}
