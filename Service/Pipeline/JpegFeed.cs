namespace ParNetDetect.Service.Pipeline;

/// <summary>
/// A camera's newest annotated JPEG for the HTTP API and MJPEG viewers. The detection loop encodes a frame only
/// while someone is watching (a stream open, or a snapshot asked for in the last few seconds), so an unwatched
/// service spends nothing on JPEG encoding.
/// </summary>
public sealed class JpegFeed
{
    static readonly TimeSpan InterestWindow = TimeSpan.FromSeconds(5);
    readonly object _lock = new();
    TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    byte[]? _jpeg;
    long _version;
    int _viewers;
    long _lastRequest; // Stopwatch timestamp of the last snapshot request; 0 = never

    public int Viewers => Volatile.Read(ref _viewers);

    public bool Wanted
    {
        get
        {
            long last = Interlocked.Read(ref _lastRequest);
            return Viewers > 0 || (last != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(last) < InterestWindow);
        }
    }

    public void Publish(byte[] jpeg)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            _jpeg = jpeg;
            _version++;
            done = _next;
            _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
    }

    /// <summary>The newest JPEG, or null before the first one; registers interest so the next frames get encoded.</summary>
    public (byte[]? Jpeg, long Version) Latest()
    {
        Interlocked.Exchange(ref _lastRequest, System.Diagnostics.Stopwatch.GetTimestamp());
        lock (_lock) return (_jpeg, _version);
    }

    /// <summary>Waits for a JPEG newer than <paramref name="version"/>.</summary>
    public async Task<(byte[] Jpeg, long Version)> NextAsync(long version, CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_jpeg != null && _version > version) return (_jpeg, _version);
                wait = _next.Task;
            }
            await wait.WaitAsync(ct);
        }
    }

    public IDisposable Watch()
    {
        Interlocked.Increment(ref _viewers);
        return new Viewer(this);
    }

    sealed class Viewer(JpegFeed feed) : IDisposable
    {
        int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref feed._viewers);
        }
    }
}
