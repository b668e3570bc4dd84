using System.Text.Json;
using ParNetDetect.Data;

namespace ParNetDetect.Cli.Tests;

/// <summary>`detect val --shard i/n` parts merged with `--merge`: what one process gives, where no scheduler runs.</summary>
public sealed class ValShardTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("detect-val-shards-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string Stats(string metrics)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(metrics));
        return json.RootElement.GetProperty("stats").ToString() + json.RootElement.GetProperty("per_category");
    }

    [Fact]
    public void MorePartsThanWholeBatchesLeaveOneEmptyAndTheMergeGivesTheStatsOfOneProcess()
    {
        // 10 images in batches of 4 are three batches, so one of four parts gets no whole batch.
        string data = Path.Combine(_dir, "shapes");
        SyntheticDatasetWriter.Write(data, new SyntheticDatasetOptions { TrainImages = 1, ValImages = 10, ImageSize = 256, Seed = 31 });
        string[] common = ["val", "--data", data, "--weights", "demo", "--img", "256", "--batch", "4", "--workers", "1"];
        string single = Path.Combine(_dir, "single.json");
        var one = DetectProcess.Run([.. common, "--json", single]);
        Assert.True(one.Code == 0, one.ToString());

        var parts = Enumerable.Range(1, 4).Select(i => Path.Combine(_dir, $"part-{i}.json")).ToList();
        var outputs = parts.Select((part, i) => DetectProcess.Run([.. common, "--shard", $"{i + 1}/4", "--save-json", part])).ToList();
        Assert.All(outputs, o => Assert.True(o.Code == 0, o.ToString()));
        Assert.Single(outputs, o => o.Out.Contains("no whole batch of 4 falls to it; wrote an empty"));

        string merged = Path.Combine(_dir, "merged.json");
        var merge = DetectProcess.Run("val", "--data", data, "--merge", string.Join(',', parts), "--json", merged);
        Assert.True(merge.Code == 0, merge.ToString());
        Assert.Equal(Stats(single), Stats(merged));
    }
}
