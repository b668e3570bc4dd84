namespace ParNetDetect.Sharding;

/// <summary>Part <see cref="Index"/> of <see cref="Count"/>, 1-based as users write it (`--shard 2/3`).</summary>
public readonly record struct Shard
{
    public Shard(int index, int count)
    {
        if (count < 1 || index < 1 || index > count)
            throw new ArgumentException($"shard {index}/{count}: need 1 <= i <= n.");
        Index = index;
        Count = count;
    }

    public int Index { get; }
    public int Count { get; }

    /// <summary>One process doing everything.</summary>
    public static Shard Whole => new(1, 1);

    /// <summary>Parses "i/n" (1-based); the message of a bad one reads after the option's name ("--shard must be ...").</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && n >= 1 && i >= 1 && i <= n)
            return new Shard(i, n);
        throw new ArgumentException($"must be i/n with 1 <= i <= n, or auto (got '{text}').");
    }

    public override string ToString() => $"{Index}/{Count}";
}
