using System.Diagnostics;

namespace ParNetDetect.Service.Pipeline;

/// <summary>When a frame was last captured (any camera) and last handled by the detection loop; the systemd
/// watchdog heartbeat is sent only while both are recent.</summary>
public sealed class PipelineActivity
{
    long _lastCapture, _lastDetection;

    public void FrameCaptured() => Interlocked.Exchange(ref _lastCapture, Stopwatch.GetTimestamp());
    public void FrameHandled() => Interlocked.Exchange(ref _lastDetection, Stopwatch.GetTimestamp());

    public TimeSpan SinceCapture => Since(ref _lastCapture);
    public TimeSpan SinceDetection => Since(ref _lastDetection);

    static TimeSpan Since(ref long stamp)
    {
        long t = Interlocked.Read(ref stamp);
        return t == 0 ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(t);
    }

    public bool IsFlowing(TimeSpan stall) => SinceCapture < stall && SinceDetection < stall;
}
