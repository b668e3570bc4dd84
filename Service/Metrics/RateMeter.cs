using System.Diagnostics;

namespace ParNetDetect.Service.Metrics;

/// <summary>Events per second over the last complete window (5 s by default), for the fps gauges.</summary>
public sealed class RateMeter(double windowSeconds = 5)
{
    readonly object _lock = new();
    long _count, _windowStartCount;
    double _windowStart = Now, _rate;

    static double Now => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    public long Count { get { lock (_lock) return _count; } }

    public void Add(long n = 1)
    {
        lock (_lock) { _count += n; Roll(); }
    }

    public double PerSecond
    {
        get
        {
            lock (_lock)
            {
                Roll();
                double elapsed = Now - _windowStart;
                // Until the first window completes, report the partial one rather than zero.
                return _rate == 0 && elapsed > 0.5 ? (_count - _windowStartCount) / elapsed : _rate;
            }
        }
    }

    void Roll()
    {
        double now = Now, elapsed = now - _windowStart;
        if (elapsed < windowSeconds) return;
        // A window with no events at all (camera down) must read 0, so the rate restarts from here.
        _rate = (_count - _windowStartCount) / elapsed;
        _windowStart = now;
        _windowStartCount = _count;
    }
}
