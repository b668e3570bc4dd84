using System.Text.Json;

namespace CocoEval.Tests;

/// <summary>A case under TestData/ (golden or behaviours): GT, detections and pycocotools' expected numbers.</summary>
public sealed record TestCase(string Name, string Directory)
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "TestData");

    public string GroundTruthPath => Path.Combine(Directory, "gt.json");
    public string DetectionsPath => Path.Combine(Directory, "dets.json");

    /// <summary>Every case, as xunit member data.</summary>
    public static IEnumerable<object[]> All() =>
        new[] { "golden", "behaviours" }
            .SelectMany(group => System.IO.Directory.GetDirectories(Path.Combine(Root, group)).Order()
                .Select(dir => new object[] { $"{group}/{Path.GetFileName(dir)}" }));

    public static TestCase Get(string name) => new(name, Path.Combine(Root, name));

    public JsonElement Expected => Read("expected.json");

    public CocoEvalOptions Options()
    {
        string path = Path.Combine(Directory, "params.json");
        if (!File.Exists(path))
            return new CocoEvalOptions();
        var maxDets = Read("params.json").GetProperty("maxDets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return new CocoEvalOptions { MaxDets = maxDets };
    }

    public CocoEvalResult Evaluate(CocoEvalOptions? options = null) =>
        new CocoEvaluator(options ?? Options()).EvaluateFiles(GroundTruthPath, DetectionsPath);

    private JsonElement Read(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, file)));
        return doc.RootElement.Clone();
    }
}
