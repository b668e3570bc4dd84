namespace CocoEval.Tests;

/// <summary>Every golden and constructed case against the numbers real pycocotools gave for it.</summary>
public class PycocotoolsAgreementTests
{
    private const double Tolerance = 1e-12;

    [Theory]
    [MemberData(nameof(TestCase.All), MemberType = typeof(TestCase))]
    public void StatsEqualPycocotools(string name)
    {
        var c = TestCase.Get(name);
        var result = c.Evaluate();
        var expected = c.Expected.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(12, result.Stats.Count);
        for (int i = 0; i < 12; i++)
            Assert.True(Math.Abs(expected[i] - result.Stats[i]) <= Tolerance,
                $"{name} stat {i} ({CocoEvalResult.StatNames[i]}): expected {expected[i]:R}, got {result.Stats[i]:R}");
    }

    [Theory]
    [MemberData(nameof(TestCase.All), MemberType = typeof(TestCase))]
    public void PerCategoryAPEqualsPycocotools(string name)
    {
        var c = TestCase.Get(name);
        var result = c.Evaluate();
        var expected = c.Expected.GetProperty("per_category_ap").EnumerateObject()
            .ToDictionary(p => long.Parse(p.Name), p => p.Value.GetDouble());
        Assert.Equal(expected.Keys.Order(), result.Categories.Select(k => k.Id));
        foreach (var k in result.Categories)
            Assert.True(Math.Abs(expected[k.Id] - k.AP) <= Tolerance, $"{name} category {k.Id}: expected {expected[k.Id]:R}, got {k.AP:R}");
    }

    [Theory]
    [MemberData(nameof(TestCase.All), MemberType = typeof(TestCase))]
    public void SummaryTextEqualsPycocotools(string name)
    {
        var c = TestCase.Get(name);
        string summaryFile = Path.Combine(c.Directory, "summary.txt");
        string expected = File.Exists(summaryFile)
            ? File.ReadAllText(summaryFile)
            : c.Expected.GetProperty("summary").GetString()!;
        Assert.Equal(expected, c.Evaluate().Summary());
    }

    [Fact]
    public void GoldenCountsMatch()
    {
        foreach (var name in TestCase.All().Select(r => (string)r[0]).Where(n => n.StartsWith("golden/")))
        {
            var c = TestCase.Get(name);
            var result = c.Evaluate();
            Assert.Equal(c.Expected.GetProperty("num_images_evaluated").GetInt32(), result.Counts.Images);
            Assert.Equal(c.Expected.GetProperty("num_gt").GetInt32(), result.Counts.GtAnnotations);
            Assert.Equal(c.Expected.GetProperty("num_dets").GetInt32(), result.Counts.Detections);
        }
    }

    [Fact]
    public void ThresholdsAndAreaRangesArePycocotoolsValues()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestCase.Root, "golden", "params.json")));
        var p = doc.RootElement;
        double[] Parse(string property) => p.GetProperty(property).EnumerateArray()
            .Select(e => double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Parse("iouThrs_repr"), CocoEvalParams.IouThresholds);
        Assert.Equal(Parse("recThrs_repr"), CocoEvalParams.RecallThresholds);
        Assert.Equal(0.8999999999999999, CocoEvalParams.IouThresholds[8]);
        var ranges = p.GetProperty("areaRng").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray());
        Assert.Equal(ranges, CocoEvalParams.AreaRanges.Select(r => new[] { r.Min, r.Max }));
    }
}
