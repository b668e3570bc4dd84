using System.Text.Json;
using ParNetDetect.Sharding;

namespace ParNetDetect.Sharding.Tests;

/// <summary>Joining part files: every part must be there, and the result does not depend on their order.</summary>
public sealed class PartMergeTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("parnet-parts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Part(string name, params string[] files)
    {
        string path = Path.Combine(_dir, name);
        var entries = files.Select(f => new { file = f, width = 4, height = 3, detections = new[] { new { score = 0.5 } } });
        File.WriteAllText(path, JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    [Fact]
    public void AMissingPartIsNamedByItsShardAndNothingIsWritten()
    {
        string a = Part("a.json", "1.jpg"), c = Part("c.json", "3.jpg");
        string b = Path.Combine(_dir, "b.json"), output = Path.Combine(_dir, "merged.json");
        var e = Assert.Throws<FileNotFoundException>(() => JsonResultParts.Merge([a, b, c], "file", output));
        Assert.Contains($"1 of 3 parts is missing: shard 2/3 ({b})", e.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void PartsInAnyOrderGiveWhatOneProcessWrites()
    {
        string whole = Part("whole.json", "a.jpg", "b.jpg", "c.jpg", "d.jpg");
        string p1 = Part("p1.json", "a.jpg", "b.jpg"), p2 = Part("p2.json", "c.jpg"), p3 = Part("p3.json", "d.jpg");
        string merged = Path.Combine(_dir, "out", "detections.json");
        Assert.Equal(4, JsonResultParts.Merge([p3, p1, p2], "file", merged));
        Assert.Equal(File.ReadAllText(whole), File.ReadAllText(merged));
    }

    [Fact]
    public void AnEntryInTwoPartsIsRefused()
    {
        string p1 = Part("p1.json", "a.jpg"), p2 = Part("p2.json", "a.jpg");
        var e = Assert.Throws<InvalidDataException>(() => JsonResultParts.Merge([p1, p2], "file", Path.Combine(_dir, "m.json")));
        Assert.Contains("not from one run", e.Message);
    }
}
