using OpenCvSharp;

namespace ParNetDetect.Service.Cameras;

/// <summary>
/// Hands a camera's newest frame to the detection loop without ever queueing: a triple buffer of reused Mats.
/// The camera writes into <see cref="WriteBuffer"/> and publishes; the loop takes the newest published frame.
/// A frame published over one the loop never took is dropped and counted, so detection can fall behind only by
/// skipping frames, never by building a backlog. Nothing is copied and no Mat is allocated per frame.
/// </summary>
public sealed class LatestFrameSlot : IDisposable
{
    readonly object _lock = new();
    Mat _write = new(), _pending = new(), _read = new();
    bool _hasPending;
    long _sequence;
    DateTimeOffset _pendingCapturedAt;

    /// <summary>Raised on the camera thread after each publish (wakes the detection loop).</summary>
    public event Action? Published;

    /// <summary>The buffer the camera thread fills next; only that thread touches it.</summary>
    public Mat WriteBuffer => _write;

    public long Dropped { get; private set; }

    /// <summary>Makes <see cref="WriteBuffer"/> the newest frame; returns true if an untaken frame was dropped.</summary>
    public bool Publish(DateTimeOffset capturedAt)
    {
        bool dropped;
        lock (_lock)
        {
            (_write, _pending) = (_pending, _write);
            dropped = _hasPending;
            _hasPending = true;
            _pendingCapturedAt = capturedAt;
            _sequence++;
            if (dropped) Dropped++;
        }
        Published?.Invoke();
        return dropped;
    }

    /// <summary>Takes the newest frame if one arrived since the last take. The Mat stays valid (and is the
    /// caller's alone) until the next TryTake.</summary>
    public bool TryTake(out CapturedFrame frame)
    {
        lock (_lock)
        {
            if (!_hasPending) { frame = default; return false; }
            (_read, _pending) = (_pending, _read);
            _hasPending = false;
            frame = new CapturedFrame(_read, _pendingCapturedAt, _sequence);
            Monitor.PulseAll(_lock);
            return true;
        }
    }

    /// <summary>
    /// Blocks the camera thread until the loop has taken the published frame, or <paramref name="ct"/> is cancelled:
    /// a source that can run ahead of the loop (a file read faster than real time) is then decoded while the loop
    /// works on the previous frame, and never decodes a frame only for it to be dropped.
    /// </summary>
    public void WaitUntilTaken(CancellationToken ct)
    {
        using var wake = ct.Register(() => { lock (_lock) Monitor.PulseAll(_lock); });
        lock (_lock)
            while (_hasPending && !ct.IsCancellationRequested) Monitor.Wait(_lock);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _write.Dispose();
            _pending.Dispose();
            _read.Dispose();
        }
    }
}

/// <summary>A frame the detection loop took: the BGR image, when it was captured and its sequence number.</summary>
public readonly record struct CapturedFrame(Mat Image, DateTimeOffset CapturedAt, long Sequence);
