namespace ParNetDetect.Service.Metrics;

/// <summary>One camera's counters, rates and latency histograms; exported by /metrics and /api/cameras.</summary>
public sealed class CameraMetrics
{
    /// <summary>Frames the source delivered.</summary>
    public RateMeter Captured { get; } = new();
    /// <summary>Frames the detector ran on.</summary>
    public RateMeter Detected { get; } = new();
    /// <summary>Frames that never reached the detector: overwritten in the latest-frame slot (fps cap or a busy
    /// detector) or gated out by the motion detector.</summary>
    public RateMeter Skipped { get; } = new();
    public long SkippedStale => Interlocked.Read(ref _skippedStale);
    public long SkippedNoMotion => Interlocked.Read(ref _skippedNoMotion);
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Wall time of the detector call (letterbox, forward, decode, NMS).</summary>
    public Histogram InferenceSeconds { get; } = new();
    /// <summary>Capture of a frame to its tracked result (and events) being handed to the sinks.</summary>
    public Histogram CaptureToResultSeconds { get; } = new();

    long _skippedStale, _skippedNoMotion, _events;

    /// <summary>These figures now, with the camera's own (<paramref name="up"/>: connected) for /metrics.</summary>
    public CameraMetricsSnapshot Snapshot(string cameraId, long reconnects, bool up, int trackedObjects) => new(
        cameraId, Captured.PerSecond, Detected.PerSecond, Skipped.PerSecond, Captured.Count, Detected.Count, SkippedStale,
        SkippedNoMotion, reconnects, up, trackedObjects, Events, InferenceSeconds.Snapshot(), CaptureToResultSeconds.Snapshot());

    public void FrameDropped() { Interlocked.Increment(ref _skippedStale); Skipped.Add(); }
    public void NoMotion() { Interlocked.Increment(ref _skippedNoMotion); Skipped.Add(); }
    public void EventRaised() => Interlocked.Increment(ref _events);
}
