using CocoEval.Cli;

namespace CocoEval.Tests;

/// <summary>The <c>coco-eval</c> command: output, files written, exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private static readonly TestCase Case = TestCase.Get("golden/synthetic_crowd_area_ranges");
    private readonly string _dir = Directory.CreateTempSubdirectory("cocoeval-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CocoEvalCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void PrintsPycocotoolsSummaryExactly()
    {
        var (code, output, _) = Run(Case.GroundTruthPath, Case.DetectionsPath);
        Assert.Equal(CocoEvalCommand.Ok, code);
        Assert.Equal(File.ReadAllText(Path.Combine(Case.Directory, "summary.txt")), output);
    }

    [Fact]
    public void PerClassTableNamesCategories()
    {
        var (_, output, _) = Run(Case.GroundTruthPath, Case.DetectionsPath, "--per-class");
        Assert.Contains("AP50", output);
        Assert.Contains("person", output);
        Assert.Matches(@"\n\s+3\s+dog\s+-\s+-\s+-\s+-\s+0\s+1\s+-\s+-\s+-\s+-\n", output); // a category without GT
        Assert.Matches(@"\n\s+all\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+\d+\s+\d+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\n", output);
    }

    [Fact]
    public void JsonReportHoldsFullPrecisionStatsAndCounts()
    {
        string json = Path.Combine(_dir, "out", "eval.json");
        Assert.Equal(0, Run(Case.GroundTruthPath, Case.DetectionsPath, "--json", json).Code);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var expected = Case.Expected.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble());
        Assert.Equal(expected, root.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(19, root.GetProperty("counts").GetProperty("detections").GetInt32());
        Assert.Equal("person", root.GetProperty("per_category")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void ExistingOutputsAreKeptWithoutForce()
    {
        string json = Path.Combine(_dir, "eval.json");
        File.WriteAllText(json, "mine");
        var (code, _, err) = Run(Case.GroundTruthPath, Case.DetectionsPath, "--json", json);
        Assert.Equal(CocoEvalCommand.DataError, code);   // as every detect verb: refusing to overwrite is exit 1
        Assert.Contains("--force", err);
        Assert.Contains(json, err);
        Assert.Equal("mine", File.ReadAllText(json));
        Assert.Equal(0, Run(Case.GroundTruthPath, Case.DetectionsPath, "--json", json, "--force").Code);
    }

    [Fact]
    public void InputsAreNeverOutputsNotEvenWithForce()
    {
        string detections = Path.Combine(_dir, "dets.json");
        File.Copy(Case.DetectionsPath, detections);
        byte[] original = File.ReadAllBytes(detections);
        var (code, _, err) = Run(Case.GroundTruthPath, detections, "--json", detections, "--force");
        Assert.Equal(CocoEvalCommand.DataError, code);
        Assert.Contains("an input", err);
        Assert.Equal(original, File.ReadAllBytes(detections));

        // Named like a plot inside the plots folder: --force may write into the folder, not over the input.
        string plots = Path.Combine(_dir, "plots");
        Directory.CreateDirectory(plots);
        string disguised = Path.Combine(plots, "pr_curve.png");
        File.Move(detections, disguised);
        string json = Path.Combine(_dir, "eval.json");
        (code, _, err) = Run(Case.GroundTruthPath, disguised, "--plots", plots, "--json", json, "--force");
        Assert.Equal(CocoEvalCommand.DataError, code);
        Assert.Contains(disguised, err);
        Assert.Equal(original, File.ReadAllBytes(disguised));
        Assert.False(File.Exists(json));   // refused before anything was written
    }

    [Fact]
    public void PlotsArePngFiles()
    {
        string dir = Path.Combine(_dir, "plots");
        Assert.Equal(0, Run(Case.GroundTruthPath, Case.DetectionsPath, "--plots", dir).Code);
        var files = Directory.GetFiles(dir, "*.png", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("pr_curve.png"));
        Assert.Contains(files, f => f.EndsWith("f1_confidence.png"));
        Assert.Contains(files, f => f.EndsWith("1_person_pr.png"));
        Assert.All(files, f => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(f)[..4]));
    }

    [Theory]
    [InlineData("only-one.json")]
    [InlineData("a.json", "b.json", "--bogus")]
    [InlineData("a.json", "b.json", "--max-dets", "1,10")]
    [InlineData("a.json", "b.json", "--max-dets", "1,x,100")]
    [InlineData("a.json", "b.json", "--json")]
    public void UsageErrorsExit2(params string[] args) => Assert.Equal(CocoEvalCommand.UsageError, Run(args).Code);

    [Fact]
    public void DataErrorsExit1AndNameTheFile()
    {
        string bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "[{\"image_id\": 1,");
        var (code, _, err) = Run(Case.GroundTruthPath, bad);
        Assert.Equal(CocoEvalCommand.DataError, code);
        Assert.Contains("bad.json", err);
        Assert.Equal(CocoEvalCommand.DataError, Run(Path.Combine(_dir, "missing.json"), bad).Code);
    }

    [Fact]
    public void CustomMaxDetsChangeTheLabels()
    {
        var (code, output, _) = Run(Case.GroundTruthPath, Case.DetectionsPath, "--max-dets", "1,5,20");
        Assert.Equal(0, code);
        Assert.Contains("maxDets= 20 ]", output);
        Assert.StartsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = -1.000", output);
    }
}
