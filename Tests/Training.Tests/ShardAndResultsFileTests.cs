using CocoEval;
using ParNetDetect.Data;
using ParNetDetect.Training.Validation;

namespace ParNetDetect.Training.Tests;

public sealed class ShardAndResultsFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("shard-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

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

    [Fact]
    public void ResultsRoundTripWithTheDatasetsIds()
    {
        string path = Path.Combine(_dir, "r.json");
        CocoDetection[] detections = [new(42, 7, new CocoBox(1.23456, 2, 3, 4), 0.987654321), new(43, 1, new CocoBox(0, 0, 1, 1), 0.5)];
        ResultsFile.Write(path, detections);
        var back = ResultsFile.Read(path);
        Assert.Equal(2, back.Count);
        Assert.Equal((42L, 7L, 1.235, 0.98765), (back[0].ImageId, back[0].CategoryId, back[0].Box.X, back[0].Score));
    }

    [Fact]
    public void MalformedResultIsNamed()
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, """[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}, {"image_id": 2, "bbox": [0, 0, 1, 1]}]""");
        var e = Assert.Throws<InvalidDataException>(() => ResultsFile.Read(path));
        Assert.Contains("result #1", e.Message);
        Assert.Contains(path, e.Message);
    }
}
