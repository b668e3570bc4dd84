using System.Text;

namespace ParNetDetect.Sharding;

/// <summary>
/// Which shard owns a named item (a camera), the same in every process and on every machine: FNV-1a (64-bit) of
/// the id's UTF-8 bytes, then Lamping and Veach's jump consistent hash onto the shards. An item's shard depends only
/// on its id and the shard count, so adding or removing items moves no other item, and going from n to n+1 shards
/// moves only about 1/(n+1) of the items (all of them onto the new shard). string.GetHashCode is randomised per
/// process and would give every instance a different answer.
/// </summary>
public static class StableShardHash
{
    /// <summary>The 1-based shard of <paramref name="id"/> among <paramref name="shards"/>.</summary>
    public static int ShardOf(string id, int shards) => JumpConsistentHash(Fnv1a64(id), shards) + 1;

    public static ulong Fnv1a64(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    /// <summary>The bucket in [0, buckets) of <paramref name="key"/> (arXiv:1406.2294, figure 1).</summary>
    public static int JumpConsistentHash(ulong key, int buckets)
    {
        if (buckets < 1) throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "need at least one bucket.");
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = key * 2862933555777941757UL + 1;
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)b;
    }
}
