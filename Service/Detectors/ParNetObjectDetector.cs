using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Platform;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Detectors;

/// <summary>The service's detector port over the ParNet-YOLO <see cref="Detector"/> (fused, eval, no_grad).</summary>
public sealed class ParNetObjectDetector : IObjectDetector
{
    readonly Detector _detector;
    readonly float _iou;
    DetectOptions _options;

    public ParNetObjectDetector(Detector detector, float iou)
    {
        _detector = detector;
        _iou = iou;
        _options = new DetectOptions { IouThreshold = iou };
        ScoreThresholds = detector.ClassNames.Select((_, c) => detector.Info.ScoreThresholdFor(c)).ToArray();
    }

    /// <summary>The service shares its cores with capture, decoding and HTTP threads: OpenMP threads must not spin.</summary>
    public const OpenMpWait ThreadWaiting = OpenMpWait.Passive;

    public static ParNetObjectDetector Load(DetectorOptions options)
    {
        TorchRuntime.Initialize(options.Threads, ThreadWaiting);
        IDetectorBackend backend;
        try
        {
            backend = DetectorBackends.Open(Detector.ResolveWeights(options.Weights), new BackendOptions
            {
                Kind = options.Backend, Device = options.Device, Threads = options.Threads, ThreadsSpin = false,
                ClassNames = options.Classes is { Length: > 0 } classes ? classes : null,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new ConfigurationException($"{ServiceOptions.SectionName}:Detector:Weights: {e.Message}");
        }
        try
        {
            return new ParNetObjectDetector(new Detector(backend, options.ImageSize > 0 ? options.ImageSize : null), (float)options.IouThreshold);
        }
        catch (ArgumentException e) // a graph exported for another side
        {
            backend.Dispose();
            throw new ConfigurationException($"{ServiceOptions.SectionName}:Detector:ImageSize: {e.Message}");
        }
    }

    public IReadOnlyList<string> ClassNames => _detector.ClassNames;

    /// <summary>The side frames are letterboxed to (Detector:ImageSize, else the model's own).</summary>
    public int ImageSize => _detector.ImageSize;

    public IReadOnlyList<float> ScoreThresholds { get; }

    public IReadOnlyList<Detection> Detect(Mat bgr, float minScore)
    {
        // The options record is reused while the threshold stays the same (it does, per camera), not rebuilt per frame.
        if (_options.ConfidenceThreshold != minScore) _options = new DetectOptions { ConfidenceThreshold = minScore, IouThreshold = _iou };
        return _detector.Detect(bgr, _options);
    }

    public void Dispose() => _detector.Dispose();
}
