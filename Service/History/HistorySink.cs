using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.History;

/// <summary>
/// Hands object events to the history's writer. The writer has its own bounded queue and thread, so the dispatcher
/// (and the other sinks behind it) never wait on the database; what the writer drops shows as stage="history" in
/// parnet_events_dropped_total.
/// </summary>
public sealed class HistorySink(HistoryService history) : IEventSink
{
    public string Name => "history";
    public long Dropped => history.Writer?.Dropped ?? 0;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task WriteEventAsync(ObjectEvent e, CancellationToken ct)
    {
        history.Writer?.TryWrite(e);
        return Task.CompletedTask;
    }

    public Task WriteReportAsync(FrameReport report, CancellationToken ct) => Task.CompletedTask;
    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the history service owns the writer
}
