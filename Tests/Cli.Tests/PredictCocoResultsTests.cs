using System.Text.Json;

namespace ParNetDetect.Cli.Tests;

/// <summary>`detect predict --save-json` on a folder: image id = the image's place in the folder, whole or sharded.</summary>
public sealed class PredictCocoResultsTests : IDisposable
{
    readonly SynthData _data = new(trainImages: 5, valImages: 1);

    public void Dispose() => _data.Dispose();

    static List<string> Entries(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return [.. json.RootElement.EnumerateArray().Select(d => d.GetRawText()).Order(StringComparer.Ordinal)];
    }

    static List<int> ImageIds(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return [.. json.RootElement.EnumerateArray().Select(d => d.GetProperty("image_id").GetInt32()).Distinct().Order()];
    }

    [Fact]
    public void AShardsImagesKeepTheirPlaceInTheWholeFolder()
    {
        string folder = Path.GetDirectoryName(_data.TrainImage(0))!, whole = _data.Path("whole.json");
        var run = DetectProcess.Run("predict", "--weights", "demo", "--source", folder, "--no-save", "--save-json", whole);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains($"as COCO results to {whole}", run.Out);
        Assert.NotEmpty(ImageIds(whole));
        Assert.All(ImageIds(whole), id => Assert.InRange(id, 1, 5));

        var parts = new List<string>();
        foreach (string shard in new[] { "1/2", "2/2" })
        {
            string part = _data.Path($"part{shard[0]}.json");
            var r = DetectProcess.Run("predict", "--weights", "demo", "--source", folder, "--no-save", "--shard", shard, "--save-json", part);
            Assert.True(r.Code == 0, r.ToString());
            parts.AddRange(Entries(part));
        }
        Assert.Equal(Entries(whole), parts.Order(StringComparer.Ordinal));
    }
}
