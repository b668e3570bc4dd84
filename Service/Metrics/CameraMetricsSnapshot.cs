namespace ParNetDetect.Service.Metrics;

/// <summary>
/// One camera's figures at one moment, as /metrics exports them: rates over the last window, counters since start,
/// and latency histograms. The exporter reads these rather than the camera's live objects.
/// </summary>
public sealed record CameraMetricsSnapshot(
    string CameraId,
    double CameraFps,
    double DetectionFps,
    double SkippedFps,
    long CapturedFrames,
    long DetectedFrames,
    long SkippedStale,
    long SkippedNoMotion,
    long Reconnects,
    bool Up,
    int TrackedObjects,
    long Events,
    HistogramSnapshot InferenceSeconds,
    HistogramSnapshot CaptureToResultSeconds);
