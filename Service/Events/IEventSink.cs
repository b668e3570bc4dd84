namespace ParNetDetect.Service.Events;

/// <summary>
/// An output for events and frame reports. The <see cref="EventDispatcher"/> calls a sink from one task only, so
/// sinks need no locking; a sink that fails is logged and does not stop the others.
/// </summary>
public interface IEventSink : IAsyncDisposable
{
    string Name { get; }
    /// <summary>Messages this sink gave up on (e.g. broker unreachable), for /metrics.</summary>
    long Dropped { get; }
    Task StartAsync(CancellationToken ct);
    Task WriteEventAsync(ObjectEvent e, CancellationToken ct);
    Task WriteReportAsync(FrameReport report, CancellationToken ct);
    /// <summary>Called whenever the queue runs empty and at shutdown.</summary>
    Task FlushAsync(CancellationToken ct);
}
