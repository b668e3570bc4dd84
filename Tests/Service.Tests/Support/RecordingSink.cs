using System.Collections.Concurrent;
using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>Keeps every event it is given (written by the dispatcher's task, read by the test).</summary>
public sealed class RecordingSink : IEventSink
{
    public ConcurrentQueue<ObjectEvent> Events { get; } = new();
    public string Name => "recording";
    public long Dropped => 0;
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task WriteEventAsync(ObjectEvent e, CancellationToken ct)
    {
        Events.Enqueue(e);
        return Task.CompletedTask;
    }

    public Task WriteReportAsync(FrameReport report, CancellationToken ct) => Task.CompletedTask;
    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
