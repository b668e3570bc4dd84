using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Metrics;
using ParNetDetect.Service.Pipeline;

namespace ParNetDetect.Service.Cameras;

/// <summary>
/// Reads one camera on its own thread into its <see cref="LatestFrameSlot"/>, reopening the source with
/// exponential backoff whenever it fails. A permanent error (missing or undecodable file) or MaxAttempts failed
/// attempts mark this camera Failed; the process and the other cameras carry on.
/// </summary>
public sealed class CameraWorker(
    CameraOptions options,
    Func<CameraOptions, IFrameSource> createSource,
    LatestFrameSlot slot,
    CameraHealth health,
    CameraMetrics metrics,
    PipelineActivity activity,
    ILogger logger)
{
    public void Run(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(options.Reconnect.InitialDelaySeconds),
            TimeSpan.FromSeconds(options.Reconnect.MaxDelaySeconds));
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CameraId"] = options.Id });
        while (!ct.IsCancellationRequested)
        {
            using var source = createSource(options);
            try
            {
                source.Open(ct);
                logger.LogInformation("Camera {CameraId} opened {Source}", options.Id, source.Description);
                while (source.Read(slot.WriteBuffer, ct))
                {
                    var frame = slot.WriteBuffer;
                    var now = DateTimeOffset.UtcNow;
                    health.FrameArrived(now, frame.Width, frame.Height);
                    if (slot.Publish(now)) metrics.FrameDropped();
                    metrics.Captured.Add();
                    activity.FrameCaptured();
                    backoff.Reset();
                    if (ct.IsCancellationRequested) break;
                }
                if (ct.IsCancellationRequested) break;
                health.SetState(CameraState.Ended);
                logger.LogInformation("Camera {CameraId}: {Source} ended (Loop is off)", options.Id, source.Description);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (FrameSourceException e) when (e.Permanent)
            {
                health.SetState(CameraState.Failed, e.Message);
                logger.LogError("Camera {CameraId} failed: {Error}", options.Id, e.Message);
                return;
            }
            catch (Exception e) when (e is FrameSourceException or OpenCvSharp.OpenCVException or IOException)
            {
                int max = options.Reconnect.MaxAttempts;
                if (max > 0 && backoff.Attempts >= max)
                {
                    health.SetState(CameraState.Failed, $"gave up after {max} attempts: {e.Message}");
                    logger.LogError("Camera {CameraId} failed after {Attempts} attempts: {Error}", options.Id, max, e.Message);
                    return;
                }
                var delay = backoff.Next();
                health.SetState(CameraState.Reconnecting, e.Message);
                logger.LogWarning("Camera {CameraId}: {Error}; reconnecting in {DelaySeconds:0.0} s (attempt {Attempt})",
                    options.Id, e.Message, delay.TotalSeconds, backoff.Attempts);
                if (ct.WaitHandle.WaitOne(delay)) break;
            }
        }
        health.SetState(CameraState.Stopped);
    }
}
