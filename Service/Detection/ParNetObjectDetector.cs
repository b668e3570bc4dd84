using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Platform;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Detection;

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
    }

    /// <summary>The service shares its cores with capture, decoding and HTTP threads: OpenMP threads must not spin.</summary>
    public const OpenMpWait ThreadWaiting = OpenMpWait.Passive;

    public static ParNetObjectDetector Load(DetectorOptions options)
    {
        TorchRuntime.Initialize(options.Threads, ThreadWaiting);
        Detector detector;
        try { detector = Detector.Load(options.Weights, options.Device); }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new ConfigurationException($"{ServiceOptions.SectionName}:Detector:Weights: {e.Message}");
        }
        return new ParNetObjectDetector(detector, (float)options.IouThreshold);
    }

    public IReadOnlyList<string> ClassNames => _detector.ClassNames;

    public IReadOnlyList<ObjectDetection> Detect(Mat bgr, float minScore)
    {
        // The options record is reused while the threshold stays the same (it does, per camera), not rebuilt per frame.
        if (_options.ConfidenceThreshold != minScore) _options = new DetectOptions { ConfidenceThreshold = minScore, IouThreshold = _iou };
        var found = _detector.Detect(bgr, _options);
        var result = new ObjectDetection[found.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var d = found[i];
            result[i] = new ObjectDetection(d.X1, d.Y1, d.X2, d.Y2, d.Score, d.ClassIndex);
        }
        return result;
    }

    public void Dispose() => _detector.Dispose();
}
