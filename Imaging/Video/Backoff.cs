namespace ParNetDetect.Imaging.Video;

/// <summary>Exponential reconnect delays (initial, 2x, 4x ... capped) with up to 20% jitter, so many cameras behind
/// one failed NVR do not reconnect in lockstep.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max, Random? random = null)
{
    readonly Random _random = random ?? Random.Shared;

    public int Attempts { get; private set; }

    public TimeSpan Next()
    {
        double seconds = Math.Min(initial.TotalSeconds * Math.Pow(2, Attempts), max.TotalSeconds);
        Attempts++;
        return TimeSpan.FromSeconds(seconds * (1 - 0.2 * _random.NextDouble()));
    }

    public void Reset() => Attempts = 0;
}
