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
    [InlineData(10, 3)]
    [InlineData(2, 4)]
    [InlineData(7, 1)]
    [InlineData(0, 2)]
    public void ShardsCoverEveryImageExactlyOnceInOrder(int images, int shards)
    {
        var all = Images(Enumerable.Repeat((640, 480), images));
        var ids = Enumerable.Range(1, shards).SelectMany(i => Ids(new DatasetShard(all, new Shard(i, shards)))).ToList();
        Assert.Equal(Ids(all), ids);
    }

    [Fact]
    public void ShardsAreBalancedByTheAnnotatedImageSizes()
    {
        // The first half of the split is four times the pixels of the second: equal counts would not be equal work.
        var all = Images(Enumerable.Repeat((4000, 3000), 20).Concat(Enumerable.Repeat((1000, 750), 20)));
        var first = new DatasetShard(all, new Shard(1, 2));
        Assert.InRange(first.Count, 12, 15);
        Assert.Equal("memory (shard 1/2)", first.Source);
    }
}
