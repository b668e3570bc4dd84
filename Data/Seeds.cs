namespace ParNetDetect.Data;

/// <summary>Derives independent random streams from a user seed and coordinates (epoch, position, split, ...).</summary>
internal static class Seeds
{
    /// <summary>SplitMix64 of the three numbers: neighbouring inputs give unrelated seeds.</summary>
    public static int Mix(int seed, int a, int b)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)a) * 0x9E3779B97F4A7C15UL + (ulong)(uint)b;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
