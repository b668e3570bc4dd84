using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Lifecycle;
using ParNetDetect.Service.Pipeline;

namespace ParNetDetect.Service.History;

/// <summary>
/// The event history's lifetime: at start it gives each camera its <see cref="CameraHistory"/> (best frames, and a
/// clip recorder where History:Clips is on) and starts the writer, which opens the database on its own thread; then
/// it closes clips whose camera stopped sending frames, watches the free disk space, and has retention applied every
/// RetentionIntervalSeconds. Registered before the event dispatcher, so it stops after it: the last "gone" events
/// are written, the open clips are finished, then the database is closed. With History:Enabled false it does nothing.
/// </summary>
public sealed class HistoryService(ServiceOptions options, CameraRegistry cameras, ILogger<HistoryService> logger) : AfterListeningService
{
    static readonly TimeSpan TickEvery = TimeSpan.FromMilliseconds(250), DiskCheckEvery = TimeSpan.FromSeconds(5);
    readonly List<CameraHistory> _cameras = new();
    volatile HistoryWriter? _writer;

    /// <summary>Null until started, and when the history is off.</summary>
    public HistoryWriter? Writer => _writer;
    public DiskGuard? Disk { get; private set; }
    public IReadOnlyList<CameraHistory> Cameras => _cameras;

    /// <summary>The read side, once the database is open.</summary>
    public EventQueries? Queries => _writer?.Database is { } db ? new EventQueries(db) : null;

    /// <summary>One word or line for /readyz: "ok", "off", "starting", or what is wrong ("unavailable: ...",
    /// "low disk: ..."); <see cref="Healthy"/> is false for the last two.</summary>
    public string State => _writer switch
    {
        null => options.History.Enabled ? "starting" : "off",
        { Unavailable: { } why } => $"unavailable: {why}",
        _ when Disk!.Low => $"low disk: {Disk.FreeBytes >> 20} MiB free, under History:MinFreeDiskMB {Disk.MinFreeBytes >> 20} MiB; clips are paused",
        { Database: null } => "starting",
        _ => "ok",
    };

    public bool Healthy => _writer?.Unavailable == null && Disk?.Low != true;

    /// <summary>An annotated event snapshot was committed (camera, JPEG); raised on the writer's thread.</summary>
    public event Action<string, byte[]>? SnapshotSaved;

    public override Task StartedAsync(CancellationToken ct)
    {
        var h = options.History;
        if (!h.Enabled) return Task.CompletedTask;
        Disk = new DiskGuard(h.Directory, h.MinFreeDiskMB, logger);
        Disk.Check();
        HistoryWriter? writer = null;
        string folder = Path.GetFullPath(h.Directory);
        foreach (var camera in cameras.All)
        {
            var o = camera.Options.History;
            var recorder = o.Clips ? new ClipRecorder(camera.Id, o, folder, h.FfmpegPath, Disk, clip => writer?.ClipEnded(clip), logger) : null;
            var history = new CameraHistory(camera.Id, o, recorder, new FrameAnnotator(camera.Zones, camera.ObjectMask, options.Http.JpegQuality), options.Http.JpegQuality);
            history.BecameStationary += (id, objectId) => writer?.ObjectStationary(id, objectId);
            _cameras.Add(history);
            camera.Observer = history;
        }
        writer = new HistoryWriter(h, _cameras.ToDictionary(c => c.Camera), logger);
        writer.SnapshotSaved += (camera, jpeg) => SnapshotSaved?.Invoke(camera, jpeg);
        writer.Start();
        _writer = writer;
        return base.StartedAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retentionEvery = TimeSpan.FromSeconds(options.History.RetentionIntervalSeconds);
        DateTimeOffset nextRetention = DateTimeOffset.MinValue, nextDiskCheck = DateTimeOffset.UtcNow + DiskCheckEvery;
        using var timer = new PeriodicTimer(TickEvery);
        try
        {
            do
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var c in _cameras) c.Recorder?.Tick(now);
                if (now >= nextDiskCheck) { Disk!.Check(); nextDiskCheck = now + DiskCheckEvery; }
                if (now >= nextRetention) { _writer!.ApplyRetention(); nextRetention = now + retentionEvery; }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        if (_writer == null) return;
        try
        {
            await Task.WhenAll(_cameras.Select(c => c.Recorder?.StopAsync() ?? Task.CompletedTask)).WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Event history: clips were still being written at the shutdown timeout; they are left unfinished");
        }
        _writer.Stop(TimeSpan.FromSeconds(Math.Max(1, options.ShutdownTimeoutSeconds / 2)));
        foreach (var c in _cameras) c.Dispose();
    }
}
