using Microsoft.Extensions.Logging;
using ParNetDetect.Imaging.Video;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Metrics;

namespace ParNetDetect.Service.Cameras;

/// <summary>
/// Reads one camera on its own thread into its <see cref="LatestFrameSlot"/> through a
/// <see cref="ReconnectingReader"/>, which reopens the source with exponential backoff whenever it fails, and keeps
/// the camera's health and counters. A permanent error (missing or undecodable file) or MaxAttempts failed attempts
/// mark this camera Failed; the process and the other cameras carry on. A video file read faster than real time
/// (RealTime off) is read on demand: the next frame is decoded once the loop has taken the last one.
/// </summary>
public sealed class CameraWorker(
    CameraOptions options,
    Func<FrameSourceOptions, IFrameSource> createSource,
    LatestFrameSlot slot,
    CameraHealth health,
    CameraMetrics metrics,
    ILogger logger)
{
    public void Run(CancellationToken ct)
    {
        var reconnect = options.Reconnect;
        var reader = new ReconnectingReader(() => createSource(SourceOptions(options)), new ReconnectPolicy(
            TimeSpan.FromSeconds(reconnect.InitialDelaySeconds), TimeSpan.FromSeconds(reconnect.MaxDelaySeconds), reconnect.MaxAttempts));
        string source = options.Source;
        reader.Opened += opened =>
        {
            source = opened.Description;
            logger.LogInformation("Camera {CameraId} opened {Source}", options.Id, source);
        };
        reader.Reconnecting += attempt =>
        {
            health.SetState(CameraState.Reconnecting, attempt.Error);
            logger.LogWarning("Camera {CameraId}: {Error}; reconnecting in {DelaySeconds:0.0} s (attempt {Attempt})",
                options.Id, attempt.Error, attempt.Delay.TotalSeconds, attempt.Number);
        };
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CameraId"] = options.Id });
        // A camera's frames come whether or not they are used; a file's come as fast as they are read.
        bool readOnDemand = !options.RealTime && !FrameSources.IsCamera(options.Source);
        var outcome = reader.Run(() => slot.WriteBuffer, frame =>
        {
            var now = DateTimeOffset.UtcNow;
            health.FrameArrived(now, frame.Width, frame.Height);
            if (slot.Publish(now)) metrics.FrameDropped();
            metrics.Captured.Add();
            if (readOnDemand) slot.WaitUntilTaken(ct);
        }, ct);
        switch (outcome.End)
        {
            case ReadEnd.Ended:
                health.SetState(CameraState.Ended);
                logger.LogInformation("Camera {CameraId}: {Source} ended (Loop is off)", options.Id, source);
                break;
            case ReadEnd.Failed:
                health.SetState(CameraState.Failed, outcome.Error);
                logger.LogError("Camera {CameraId} failed: {Error}", options.Id, outcome.Error);
                break;
            case ReadEnd.GaveUp:
                health.SetState(CameraState.Failed, $"gave up after {reconnect.MaxAttempts} attempts: {outcome.Error}");
                logger.LogError("Camera {CameraId} failed after {Attempts} attempts: {Error}", options.Id, reconnect.MaxAttempts, outcome.Error);
                break;
            default:
                health.SetState(CameraState.Stopped);
                break;
        }
    }

    /// <summary>The camera's settings that say how its source is opened.</summary>
    static FrameSourceOptions SourceOptions(CameraOptions camera) => new(camera.Source)
    {
        Loop = camera.Loop,
        RealTime = camera.RealTime,
        Width = camera.Width,
        Height = camera.Height,
        ReadTimeout = TimeSpan.FromSeconds(camera.Reconnect.ReadTimeoutSeconds),
    };
}
