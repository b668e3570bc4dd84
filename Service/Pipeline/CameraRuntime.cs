using Microsoft.Extensions.Logging;
using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Metrics;
using ParNetDetect.Service.Tracking;

namespace ParNetDetect.Service.Pipeline;

/// <summary>
/// Everything the service keeps for one camera, and that camera's part of a frame's way after capture:
/// motion gate → detector → object filter → tracker → events, report and annotated JPEG.
/// Processing runs on the detection thread only; the HTTP side reads <see cref="Latest"/>, health and metrics.
/// </summary>
public sealed class CameraRuntime : IDisposable
{
    readonly IReadOnlyList<string> _classNames;
    readonly ObjectFilter _filter;
    readonly MotionGate? _motion;
    readonly ObjectTracker _tracker;
    readonly FrameAnnotator _annotator;
    readonly TimeProvider _clock;
    readonly List<Detection> _objects = new();
    readonly TimeSpan _minInterval;
    readonly List<TrackEvent> _events = new();
    readonly SnapshotStore _snapshots;
    readonly ILogger _logger;
    DateTimeOffset _nextDue = DateTimeOffset.MinValue;
    volatile FrameReport? _latest;

    /// <param name="configPath">The camera's configuration path (Cameras:N), for errors.</param>
    /// <param name="detector">The model's classes and its own score thresholds.</param>
    public CameraRuntime(CameraOptions options, string configPath, IObjectDetector detector, ServiceOptions service,
        ILogger logger, TimeProvider clock)
    {
        Options = options;
        _classNames = detector.ClassNames;
        _logger = logger;
        _clock = clock;
        Zones = options.Zones.Select(z => new PolygonZone(z)).ToList();
        _filter = new ObjectFilter(options, configPath, detector.ClassNames, detector.ScoreThresholds);
        _motion = options.Motion.Enabled ? new MotionGate(options.Motion) : null;
        _tracker = new ObjectTracker(options.Tracker, Zones, _filter);
        logger.LogInformation("Camera {CameraId}: objects are confirmed at median scores of {Thresholds}",
            options.Id, _filter.DescribeThresholds());
        _annotator = new FrameAnnotator(Zones, _filter.Mask, service.Http.JpegQuality);
        _minInterval = options.FpsCap > 0 ? TimeSpan.FromSeconds(1 / options.FpsCap) : TimeSpan.Zero;
        _snapshots = new SnapshotStore(Path.Combine(service.Events.SnapshotDirectory, options.Id), service.Events.MaxSnapshotsPerCamera);
        Slot = new LatestFrameSlot();
    }

    public CameraOptions Options { get; }
    public string Id => Options.Id;
    public IReadOnlyList<PolygonZone> Zones { get; }

    /// <summary>Where this camera ignores objects (drawn on its annotated frames and snapshots).</summary>
    public ObjectMask ObjectMask => _filter.Mask;
    public LatestFrameSlot Slot { get; }
    public CameraHealth Health { get; } = new();
    public CameraMetrics Metrics { get; } = new();
    public JpegFeed Feed { get; } = new();
    /// <summary>The last processed frame's objects, or null before the first.</summary>
    public FrameReport? Latest => _latest;
    public int TrackedObjects { get; private set; }
    /// <summary>Sees every processed frame (the event history); set before the detection loop starts.</summary>
    public IFrameObserver? Observer { get; set; }

    /// <summary>The camera's metrics with its connection and tracks, as /metrics exports them.</summary>
    public CameraMetricsSnapshot MetricsSnapshot()
    {
        var health = Health.Snapshot();
        return Metrics.Snapshot(Id, health.Reconnects, health.State == CameraState.Connected, TrackedObjects);
    }

    /// <summary>Whether the fps cap lets this camera's next frame go to the detector now.</summary>
    public bool IsDue(DateTimeOffset now) => now >= _nextDue;
    public DateTimeOffset NextDue => _nextDue;

    /// <summary>Runs one frame through the camera's stages and hands events and the report to the dispatcher.</summary>
    public void Process(CapturedFrame frame, IObjectDetector detector, EventDispatcher dispatcher)
    {
        var now = _clock.GetUtcNow();
        _events.Clear();
        // Schedule from the previous due time, not from now, so the cap is met on average despite jitter.
        _nextDue = _nextDue == DateTimeOffset.MinValue || now - _nextDue > _minInterval ? now + _minInterval : _nextDue + _minInterval;
        Mat image = frame.Image;
        int w = image.Width, h = image.Height;

        if (_motion != null && !_motion.ShouldDetect(image, now))
        {
            Metrics.NoMotion();
            Publish(image, new FrameReport(Id, frame.CapturedAt, now, w, h, MotionGated: true, _latest?.Objects ?? []), null);
            return;
        }

        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var detections = detector.Detect(image, _filter.LowestMinScore);
        Metrics.InferenceSeconds.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        Metrics.Detected.Add();

        _objects.Clear();
        foreach (var d in detections)
            if (_filter.Passes(d, w, h)) _objects.Add(d);
        _tracker.Update(_objects, w, h, now, _events);
        TrackedObjects = _tracker.ActiveCount;

        // Shown: confirmed objects, and other detections reaching their class's Confidence (id 0, not counted).
        var tracked = _tracker.Confirmed(now).ToList();
        var objects = new List<ReportedObject>();
        foreach (var d in _objects)
        {
            var t = tracked.FirstOrDefault(o => o.Box == d);
            if (t == null && d.Score < _filter.For(d.ClassIndex)!.Confidence) continue;
            objects.Add(new ReportedObject(t?.Id ?? 0, Label(d.ClassIndex), d.Score, BoxJson.From(d), t?.Zones ?? [],
                d.ClassIndex)
            { Stationary = t?.Stationary ?? false });
        }
        var report = new FrameReport(Id, frame.CapturedAt, now, w, h, MotionGated: false, objects);
        Publish(image, report, dispatcher);
        Metrics.CaptureToResultSeconds.Observe((_clock.GetUtcNow() - frame.CapturedAt).TotalSeconds);
    }

    void Publish(Mat image, FrameReport report, EventDispatcher? dispatcher)
    {
        _latest = report;
        bool snapshot = Options.Snapshots && _events.Any(e => e.Type is TrackEventType.New or TrackEventType.Entered);
        byte[]? jpeg = Feed.Wanted || snapshot ? _annotator.Encode(image, report) : null;
        if (jpeg != null) Feed.Publish(jpeg);
        Observer?.Observe(image, report, TrackedObjects); // before the events, so their frames are there for the history
        if (dispatcher == null) return;

        string? snapshotFile = snapshot ? SaveSnapshot(jpeg!, report.ProcessedAt) : null;
        foreach (var e in _events) Raise(e, report.ProcessedAt, dispatcher, snapshotFile);
        dispatcher.Enqueue(report);
    }

    /// <summary>Reports every tracked object gone (at shutdown or when the camera fails).</summary>
    public void EndTracks(EventDispatcher dispatcher)
    {
        _events.Clear();
        _tracker.Clear(_events);
        foreach (var e in _events) Raise(e, _clock.GetUtcNow(), dispatcher, null);
        _events.Clear();
        TrackedObjects = 0;
    }

    void Raise(TrackEvent e, DateTimeOffset at, EventDispatcher dispatcher, string? snapshotFile)
    {
        var o = e.Object;
        string type = e.Type.ToString().ToLowerInvariant();
        var evt = new ObjectEvent(type, Id, o.Id, Label(o.Box.ClassIndex), o.TopScore, BoxJson.From(o.Box), e.Zone,
            o.Zones, at, o.FirstSeen, e.Type is TrackEventType.New or TrackEventType.Entered ? snapshotFile : null)
        { Stationary = o.Stationary };
        Metrics.EventRaised();
        // Debug, not Information: events (several a second) belong to the sinks; the default log keeps camera states.
        _logger.LogDebug("Camera {CameraId}: {Label} #{ObjectId} {EventType}{ZoneSuffix}",
            Id, evt.Label, o.Id, type, e.Zone == null ? "" : " " + e.Zone);
        dispatcher.Enqueue(evt);
    }

    string? SaveSnapshot(byte[] jpeg, DateTimeOffset at)
    {
        try
        {
            return _snapshots.Save(jpeg, at);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Camera {CameraId}: snapshot not saved: {Error}", Id, e.Message);
            return null;
        }
    }

    string Label(int classIndex) =>
        classIndex >= 0 && classIndex < _classNames.Count ? _classNames[classIndex] : $"class{classIndex}";

    public void Dispose()
    {
        Slot.Dispose();
        _motion?.Dispose();
        _annotator.Dispose();
    }
}
