using ParNetDetect.Data;
using ParNetDetect.Evaluation;

namespace ParNetDetect.Evaluation.Tests;

public sealed class DatasetShardTests
{
    static DetectionDataset Images(int count) => new("memory", "coco", CategoryMap.Identity(["a"]),
        Enumerable.Range(0, count).Select(i => new ImageRecord(100 + i, $"{i}.jpg", 10, 10, [])).ToList(), new DatasetIssues());

    [Theory]
    [InlineData(10, 3)]
    [InlineData(2, 4)]
    [InlineData(7, 1)]
    public void ShardsCoverEveryImageExactlyOnce(int images, int shards)
    {
        var all = Images(images);
        var ids = Enumerable.Range(1, shards)
            .SelectMany(i => { var s = new DatasetShard(all, i, shards); return Enumerable.Range(0, s.Count).Select(k => s[k].Id); })
            .ToList();
        Assert.Equal(Enumerable.Range(0, images).Select(i => 100L + i), ids);
    }

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("1-2")]
    [InlineData("a/b")]
    public void BadShardTextIsRejected(string text) =>
        Assert.Throws<ArgumentException>(() => DatasetShard.Parse(text));
}
