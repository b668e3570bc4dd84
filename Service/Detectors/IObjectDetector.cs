using OpenCvSharp;
using ParNetDetect.DetectionHead;

namespace ParNetDetect.Service.Detectors;

/// <summary>
/// What the service needs from a detector: BGR frame in, boxes with class indices out. The service calls it from
/// its one detection thread only, so implementations need not be thread-safe.
/// </summary>
public interface IObjectDetector : IDisposable
{
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The model's own minimum score per class index (calibrated per class, else one for all): what the
    /// service filters with unless a camera sets Confidence.</summary>
    IReadOnlyList<float> ScoreThresholds { get; }

    /// <summary>Detections with score at least <paramref name="minScore"/>, boxes in pixels of <paramref name="bgr"/>.</summary>
    IReadOnlyList<Detection> Detect(Mat bgr, float minScore);
}
