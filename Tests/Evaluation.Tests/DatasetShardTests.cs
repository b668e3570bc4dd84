using ParNetDetect.Data;
using ParNetDetect.Evaluation;
using ParNetDetect.Sharding;

namespace ParNetDetect.Evaluation.Tests;

public sealed class DatasetShardTests
{
    static DetectionDataset Images(IEnumerable<(int W, int H)> sizes) => new("memory", "coco", CategoryMap.Identity(["a"]),
        sizes.Select((s, i) => new ImageRecord(100 + i, $"{i}.jpg", s.W, s.H, [])).ToList(), new DatasetIssues());

    static List<long> Ids(IDetectionDataset d) => Enumerable.Range(0, d.Count).Select(k => d[k].Id).ToList();

    [Theory]
    [InlineData(10, 3, 1)]
    [InlineData(2, 4, 1)]
    [InlineData(7, 1, 1)]
    [InlineData(0, 2, 1)]
    [InlineData(100, 3, 16)]
    [InlineData(10, 2, 16)]
    [InlineData(33, 4, 8)]
    public void ShardsCoverEveryImageExactlyOnceInOrder(int images, int shards, int batchSize)
    {
        var all = Images(Enumerable.Repeat((640, 480), images));
        var ids = Enumerable.Range(1, shards).SelectMany(i => Ids(new DatasetShard(all, new Shard(i, shards), batchSize))).ToList();
        Assert.Equal(Ids(all), ids);
    }

    [Fact]
    public void ShardsAreRunsOfWholeBatchesSoEveryImageMeetsTheBatchItHasInOneProcess()
    {
        // 100 images in batches of 16 are 6 full batches and one of 4; three shards of whole batches.
        var all = Images(Enumerable.Repeat((640, 480), 100));
        var shards = Enumerable.Range(1, 3).Select(i => new DatasetShard(all, new Shard(i, 3), batchSize: 16)).ToList();
        Assert.Equal([32, 32, 36], shards.Select(s => s.Count));
        Assert.Equal([100L, 132, 164], shards.Select(s => s[0].Id));
    }

    [Fact]
    public void ShardsAreBalancedByTheAnnotatedImageSizes()
    {
        // The first half of the split is four times the pixels of the second: equal counts would not be equal work.
        var all = Images(Enumerable.Repeat((4000, 3000), 20).Concat(Enumerable.Repeat((1000, 750), 20)));
        var first = new DatasetShard(all, new Shard(1, 2), batchSize: 1);
        Assert.InRange(first.Count, 12, 15);
        Assert.Equal("memory (shard 1/2)", first.Source);
    }
}
