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
/// motion gate → detector → class and score filter → tracker → events, report and annotated JPEG.
/// Processing runs on the detection thread only; the HTTP side reads <see cref="Latest"/>, health and metrics.
/// </summary>
public sealed class CameraRuntime : IDisposable
{
    readonly IReadOnlyList<string> _classNames;
    readonly bool[]? _keepClass;
    readonly MotionGate? _motion;
    readonly ObjectTracker _tracker;
    readonly FrameAnnotator _annotator;
    readonly float _confidence, _weakScore;
    readonly TimeSpan _minInterval;
    readonly List<TrackEvent> _events = new();
    readonly SnapshotStore _snapshots;
    readonly ILogger _logger;
    DateTimeOffset _nextDue = DateTimeOffset.MinValue;
    volatile FrameReport? _latest;

    /// <param name="configPath">The camera's configuration path (Cameras:N), for errors.</param>
    public CameraRuntime(CameraOptions options, string configPath, IReadOnlyList<string> classNames, ServiceOptions service, ILogger logger)
    {
        Options = options;
        _classNames = classNames;
        _logger = logger;
        Zones = options.Zones.Select(z => new PolygonZone(z)).ToList();
        _keepClass = options.Classes.Count == 0 ? null : ClassFilter(options, configPath, classNames);
        _motion = options.Motion.Enabled ? new MotionGate(options.Motion) : null;
        _tracker = new ObjectTracker(options.Tracker, Zones);
        _annotator = new FrameAnnotator(Zones, service.Http.JpegQuality);
        _confidence = (float)options.Confidence;
        // Low-score detections only extend existing tracks (ByteTrack's second association stage).
        _weakScore = Math.Max(0.05f, _confidence * 0.5f);
        _minInterval = options.FpsCap > 0 ? TimeSpan.FromSeconds(1 / options.FpsCap) : TimeSpan.Zero;
        _snapshots = new SnapshotStore(Path.Combine(service.Events.SnapshotDirectory, options.Id), service.Events.MaxSnapshotsPerCamera);
        Slot = new LatestFrameSlot();
    }

    public CameraOptions Options { get; }
    public string Id => Options.Id;
    public IReadOnlyList<PolygonZone> Zones { get; }
    public LatestFrameSlot Slot { get; }
    public CameraHealth Health { get; } = new();
    public CameraMetrics Metrics { get; } = new();
    public JpegFeed Feed { get; } = new();
    /// <summary>The last processed frame's objects, or null before the first.</summary>
    public FrameReport? Latest => _latest;
    public int TrackedObjects { get; private set; }

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
        var now = DateTimeOffset.UtcNow;
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
        var detections = detector.Detect(image, _weakScore);
        Metrics.InferenceSeconds.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        Metrics.Detected.Add();

        var confident = new List<Detection>();
        var weak = new List<Detection>();
        foreach (var d in detections)
        {
            if (_keepClass != null && (d.ClassIndex >= _keepClass.Length || !_keepClass[d.ClassIndex])) continue;
            (d.Score >= _confidence ? confident : weak).Add(d);
        }
        _tracker.Update(confident, weak, w, h, now, _events);
        TrackedObjects = _tracker.ActiveCount;

        var tracked = _tracker.Confirmed(now).ToList();
        var objects = confident.Select(d =>
        {
            var t = tracked.FirstOrDefault(o => o.Box == d);
            return new ReportedObject(t?.Id ?? 0, Label(d.ClassIndex), d.Score, BoxJson.From(d), t?.Zones ?? [], d.ClassIndex);
        }).ToList();
        var report = new FrameReport(Id, frame.CapturedAt, now, w, h, MotionGated: false, objects);
        Publish(image, report, dispatcher);
        Metrics.CaptureToResultSeconds.Observe((DateTimeOffset.UtcNow - frame.CapturedAt).TotalSeconds);
    }

    void Publish(Mat image, FrameReport report, EventDispatcher? dispatcher)
    {
        _latest = report;
        bool snapshot = Options.Snapshots && _events.Any(e => e.Type is TrackEventType.New or TrackEventType.Entered);
        byte[]? jpeg = Feed.Wanted || snapshot ? _annotator.Encode(image, report) : null;
        if (jpeg != null) Feed.Publish(jpeg);
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
        foreach (var e in _events) Raise(e, DateTimeOffset.UtcNow, dispatcher, null);
        _events.Clear();
        TrackedObjects = 0;
    }

    void Raise(TrackEvent e, DateTimeOffset at, EventDispatcher dispatcher, string? snapshotFile)
    {
        var o = e.Object;
        string type = e.Type.ToString().ToLowerInvariant();
        var evt = new ObjectEvent(type, Id, o.Id, Label(o.Box.ClassIndex), o.Box.Score, BoxJson.From(o.Box), e.Zone,
            o.Zones, at, o.FirstSeen, e.Type is TrackEventType.New or TrackEventType.Entered ? snapshotFile : null);
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

    static bool[] ClassFilter(CameraOptions options, string configPath, IReadOnlyList<string> classNames)
    {
        var keep = new bool[classNames.Count];
        var names = classNames.ToList();
        for (int i = 0; i < options.Classes.Count; i++)
        {
            int index = names.FindIndex(n => string.Equals(n, options.Classes[i], StringComparison.OrdinalIgnoreCase));
            if (index < 0)
                throw ConfigurationException.Listing([
                    $"{ServiceOptions.SectionName}:{configPath}:Classes:{i}: '{options.Classes[i]}' is not a class of the model (known: {string.Join(", ", classNames)})."]);
            keep[index] = true;
        }
        return keep;
    }

    public void Dispose()
    {
        Slot.Dispose();
        _motion?.Dispose();
        _annotator.Dispose();
    }
}
