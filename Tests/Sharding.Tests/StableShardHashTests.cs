using ParNetDetect.Sharding;

namespace ParNetDetect.Sharding.Tests;

public sealed class StableShardHashTests
{
    [Fact]
    public void Fnv1aMatchesThePublishedTestVectors()
    {
        Assert.Equal(0xcbf29ce484222325UL, StableShardHash.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, StableShardHash.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, StableShardHash.Fnv1a64("foobar"));
    }

    [Fact]
    public void CameraShardsArePinnedSoAnUpgradeMovesNoCamera()
    {
        // Computed once with this algorithm; a change here would move cameras between running instances.
        Assert.Equal([1, 2, 3, 3, 3], Enumerable.Range(1, 5).Select(n => StableShardHash.ShardOf("yard", n)));
        Assert.Equal([1, 1, 1, 4, 4], Enumerable.Range(1, 5).Select(n => StableShardHash.ShardOf("gate", n)));
        Assert.Equal([1, 2, 2, 4, 5], Enumerable.Range(1, 5).Select(n => StableShardHash.ShardOf("dock", n)));
    }

    [Fact]
    public void OneMoreShardMovesOnlyItemsOntoItAndAboutTheirShare()
    {
        var random = new Random(15);
        var ids = Enumerable.Range(0, 4000).Select(_ => $"cam-{random.Next():x8}").Distinct().ToList();
        for (int n = 1; n <= 8; n++)
        {
            int moved = 0;
            foreach (string id in ids)
            {
                int before = StableShardHash.ShardOf(id, n), after = StableShardHash.ShardOf(id, n + 1);
                Assert.InRange(before, 1, n);
                if (before != after) { Assert.Equal(n + 1, after); moved++; }
            }
            double expected = ids.Count / (double)(n + 1);
            Assert.InRange(moved, expected * 0.85, expected * 1.15);
        }
    }

    [Fact]
    public void ShardsGetAboutEqualNumbersOfItems()
    {
        var counts = new int[5];
        for (int i = 0; i < 5000; i++) counts[StableShardHash.ShardOf($"camera-{i}", 5) - 1]++;
        Assert.All(counts, c => Assert.InRange(c, 900, 1100));
    }
}
