using Microsoft.Extensions.Logging;
using ParNetDetect.Imaging.Video;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Detectors;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Lifecycle;

namespace ParNetDetect.Service.Pipeline;

/// <summary>
/// Starts one capture thread per camera and runs the single detection loop: round-robin over the cameras, take
/// each one's newest frame when its fps cap allows, and run it through the shared detector. One loop (not one per
/// camera) because the detector already uses every core for one frame; running two at once only makes both slower.
/// When no camera has a due frame, it sleeps until a frame is published or the next cap allows one.
/// </summary>
public sealed class DetectionLoop(
    CameraRegistry cameras,
    IObjectDetector detector,
    EventDispatcher dispatcher,
    PipelineActivity activity,
    Func<FrameSourceOptions, IFrameSource> createSource,
    ILogger<DetectionLoop> logger) : AfterListeningService
{
    readonly SemaphoreSlim _framePublished = new(0, int.MaxValue);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var c in cameras.All)
            c.Slot.Published += () =>
            {
                activity.FrameCaptured();
                if (_framePublished.CurrentCount == 0) _framePublished.Release();
            };
        var captureThreads = cameras.All.Select(c => StartCapture(c, stoppingToken)).ToList();
        var loop = Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.WhenAll(captureThreads.Append(loop));
    }

    Task StartCapture(CameraRuntime camera, CancellationToken ct)
    {
        var worker = new CameraWorker(camera.Options, createSource, camera.Slot, camera.Health, camera.Metrics, logger);
        return Task.Factory.StartNew(() =>
        {
            try { worker.Run(ct); }
            catch (Exception e)
            {
                camera.Health.SetState(CameraState.Failed, e.Message);
                logger.LogError(e, "Camera {CameraId} capture thread crashed", camera.Id);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    void Run(CancellationToken ct)
    {
        int start = 0;
        var all = cameras.All;
        var ended = new bool[all.Count];
        var failures = new long[all.Count];
        while (!ct.IsCancellationRequested)
        {
            bool worked = false;
            var now = DateTimeOffset.UtcNow;
            for (int k = 0; k < all.Count; k++)
            {
                int i = (start + k) % all.Count;
                var camera = all[i];
                EndTracksOfStoppedCamera(camera, ref ended[i]);
                if (!camera.IsDue(now) || !camera.Slot.TryTake(out var frame)) continue;
                try
                {
                    camera.Process(frame, detector, dispatcher);
                    failures[i] = 0;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // One bad frame (or a detector hiccup) must not take the service down; systemd's watchdog
                    // catches the case where this repeats forever. Repeats are logged every 100th time, not per frame.
                    if (failures[i]++ % 100 == 0)
                        logger.LogError(e, "Camera {CameraId}: processing a frame failed ({Failures} in a row)", camera.Id, failures[i]);
                }
                activity.FrameHandled();
                worked = true;
            }
            start = (start + 1) % Math.Max(1, all.Count);
            if (!worked) WaitForWork(ct);
        }
        foreach (var c in all) c.EndTracks(dispatcher);
    }

    void EndTracksOfStoppedCamera(CameraRuntime camera, ref bool ended)
    {
        bool down = camera.Health.State is CameraState.Failed or CameraState.Ended;
        if (down && !ended) camera.EndTracks(dispatcher);
        ended = down;
    }

    void WaitForWork(CancellationToken ct)
    {
        // Sleep until a frame arrives, or until the earliest fps-capped camera becomes due (a frame may be waiting).
        var now = DateTimeOffset.UtcNow;
        var wait = TimeSpan.FromMilliseconds(200);
        foreach (var c in cameras.All)
            if (c.NextDue > now && c.NextDue - now < wait) wait = c.NextDue - now;
        try { _framePublished.Wait(wait, ct); }
        catch (OperationCanceledException) { }
    }
}
