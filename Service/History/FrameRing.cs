namespace ParNetDetect.Service.History;

/// <summary>An encoded frame and when it was processed.</summary>
public readonly record struct EncodedFrame(byte[] Jpeg, DateTimeOffset At);

/// <summary>
/// A camera's last few seconds of encoded frames (the pre-roll a clip starts with). Frames older than the span are
/// dropped as new ones come, and the count is capped as well, so a fast camera cannot grow it. Not thread-safe: the
/// <see cref="ClipRecorder"/> holds its lock around it.
/// </summary>
public sealed class FrameRing(TimeSpan span, int maxFrames)
{
    readonly Queue<EncodedFrame> _frames = new();

    public int Count => _frames.Count;

    public void Add(EncodedFrame frame)
    {
        _frames.Enqueue(frame);
        while (_frames.Count > maxFrames || (_frames.Count > 0 && frame.At - _frames.Peek().At > span))
            _frames.Dequeue();
    }

    /// <summary>The frames from <paramref name="from"/> on, oldest first.</summary>
    public IReadOnlyList<EncodedFrame> Since(DateTimeOffset from) => _frames.Where(f => f.At >= from).ToList();

    /// <summary>Frames per second over the ring, or null with fewer than two frames.</summary>
    public double? Rate()
    {
        if (_frames.Count < 2) return null;
        double seconds = (_frames.Last().At - _frames.Peek().At).TotalSeconds;
        return seconds > 0 ? (_frames.Count - 1) / seconds : null;
    }
}
