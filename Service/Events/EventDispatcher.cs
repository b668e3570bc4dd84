using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Lifecycle;

namespace ParNetDetect.Service.Events;

/// <summary>
/// Fans events and frame reports out to every sink from a bounded queue, so a slow disk or broker never stalls
/// detection: when the queue is full, new messages are dropped and counted. At shutdown it drains the queue and
/// flushes every sink within the host's shutdown timeout. Registered before the detection loop, so it stops after
/// it and receives the loop's last "gone" events.
/// </summary>
public sealed class EventDispatcher : AfterListeningService
{
    readonly Channel<object> _queue;
    readonly IReadOnlyList<IEventSink> _sinks;
    readonly ILogger<EventDispatcher> _logger;
    long _dropped;

    public EventDispatcher(IEnumerable<IEventSink> sinks, Configuration.ServiceOptions options, ILogger<EventDispatcher> logger)
    {
        _sinks = sinks.ToList();
        _logger = logger;
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.Events.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
    }

    /// <summary>Messages dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    public IReadOnlyList<IEventSink> Sinks => _sinks;

    public void Enqueue(ObjectEvent e) => Offer(e);
    public void Enqueue(FrameReport report) => Offer(report);

    void Offer(object message)
    {
        if (!_queue.Writer.TryWrite(message)) Interlocked.Increment(ref _dropped);
    }

    public override async Task StartedAsync(CancellationToken ct)
    {
        foreach (var sink in _sinks) await Guard(sink, () => sink.StartAsync(ct)); // a sink that cannot start must not stop the others
        await base.StartedAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stoppingToken: after stop is requested the queue is still drained, until StopAsync completes the writer.
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (reader.TryRead(out var message))
                foreach (var sink in _sinks)
                    await Guard(sink, () => message switch
                    {
                        ObjectEvent e => sink.WriteEventAsync(e, CancellationToken.None),
                        FrameReport r => sink.WriteReportAsync(r, CancellationToken.None),
                        _ => Task.CompletedTask,
                    });
            foreach (var sink in _sinks) await Guard(sink, () => sink.FlushAsync(CancellationToken.None));
        }
    }

    /// <summary>Runs one sink call; a sink that throws (synchronously or not) is logged and the others carry on.</summary>
    async Task Guard(IEventSink sink, Func<Task> call)
    {
        try { await call(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogError(e, "Event sink {Sink} failed", sink.Name);
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(ct);
        foreach (var sink in _sinks)
        {
            await Guard(sink, () => sink.FlushAsync(ct));
            await sink.DisposeAsync();
        }
        if (Dropped > 0) _logger.LogWarning("{Dropped} events were dropped because the sinks could not keep up", Dropped);
    }
}
