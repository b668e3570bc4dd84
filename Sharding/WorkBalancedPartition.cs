namespace ParNetDetect.Sharding;

/// <summary>
/// Splits items into contiguous runs of about equal work: shard i/n takes the items whose midpoint on the running
/// total of work falls in [(i-1)/n, i/n) of the whole. Every item lands in exactly one shard, each shard's work is
/// within one item's work of total/n, and the result depends only on the weights, so every task of an array computes
/// the same split. Runs stay contiguous, so neighbouring files stay on one machine and parts joined in shard order
/// are in the original order. Integer weights keep the split bit-exact across machines.
/// </summary>
public static class WorkBalancedPartition
{
    /// <summary>The index range of <paramref name="shard"/>'s items; every weight must be positive.</summary>
    public static Range Of(IReadOnlyList<long> weights, Shard shard)
    {
        int start = -1, end = weights.Count;
        long total = 0;
        foreach (long w in weights)
            total += w > 0 ? w : throw new ArgumentException($"work weights must be positive (got {w}).");
        long before = 0;
        for (int k = 0; k < weights.Count; k++)
        {
            // Twice the midpoint, so the comparison stays in integers: shard index = floor(mid * n / total).
            long twiceMid = 2 * before + weights[k];
            int index = (int)Math.Min(shard.Count - 1, (long)((Int128)twiceMid * shard.Count / (2 * (Int128)total)));
            if (index == shard.Index - 1 && start < 0) start = k;
            if (index > shard.Index - 1) { end = k; break; }
            before += weights[k];
        }
        return start < 0 ? new Range(end, end) : new Range(start, end);
    }

    /// <summary>The items of <paramref name="shard"/>, in their order.</summary>
    public static IReadOnlyList<T> Select<T>(IReadOnlyList<T> items, Func<T, long> weight, Shard shard)
    {
        var (offset, length) = Of(items.Select(weight).ToList(), shard).GetOffsetAndLength(items.Count);
        return items.Skip(offset).Take(length).ToList();
    }
}
