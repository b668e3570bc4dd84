namespace ParNetDetect.Service.Metrics;

/// <summary>A Prometheus-style cumulative histogram of seconds; thread-safe, allocation-free to observe.</summary>
public sealed class Histogram
{
    public static readonly double[] LatencyBuckets =
        [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5];

    readonly double[] _bounds;
    readonly long[] _counts;
    readonly object _lock = new();
    double _sum;
    long _count;

    public Histogram(double[]? bounds = null)
    {
        _bounds = bounds ?? LatencyBuckets;
        _counts = new long[_bounds.Length];
    }

    public void Observe(double seconds)
    {
        lock (_lock)
        {
            for (int i = 0; i < _bounds.Length; i++)
                if (seconds <= _bounds[i]) _counts[i]++;
            _sum += seconds;
            _count++;
        }
    }

    public HistogramSnapshot Snapshot()
    {
        lock (_lock) return new(_bounds, (long[])_counts.Clone(), _sum, _count);
    }
}

/// <summary>Cumulative bucket counts (each includes the ones below it), as Prometheus expects.</summary>
public sealed record HistogramSnapshot(double[] Bounds, long[] CumulativeCounts, double Sum, long Count)
{
    public double Mean => Count == 0 ? 0 : Sum / Count;
}
