using System.Text.Json;
using CocoEval.Evaluation;

namespace CocoEval.Tests;

/// <summary>The score threshold that maximises F1 at IoU 0.50, and precision and recall there, on hand-made cases.</summary>
public class OperatingPointTests
{
    private static ScoredMatches Judged(int gt, params (double Score, bool Hit)[] detections) =>
        new(detections.Select(d => d.Score).ToArray(), detections.Select(d => d.Hit).ToArray(), gt);

    [Fact]
    public void BestF1CutsWhereTheFalsePositivesBegin()
    {
        // F1 = 2 TP / (TP + FP + GT). Three hits above two misses, then a hit: the top three give 6/7 = 0.857
        // (P 1, R 3/4), all six 8/10 = 0.8.
        var best = Judged(4, (0.9, true), (0.8, true), (0.7, true), (0.4, false), (0.3, false), (0.2, true)).BestF1()!;
        Assert.Equal((3, 0, 4), (best.TruePositives, best.FalsePositives, best.GtCount));
        Assert.Equal(0.55, best.Threshold, 12); // halfway between 0.7 (kept) and 0.4 (dropped)
        Assert.Equal(1.0, best.Precision, 12);
        Assert.Equal(0.75, best.Recall, 12);
        Assert.Equal(6.0 / 7, best.F1, 12);
    }

    [Fact]
    public void ALateHitWorthMoreThanItsFalsePositivesMovesTheThresholdDown()
    {
        // Top 1: F1 = 2/(1+0+3) = 0.5; top 3 (one miss): 4/(2+1+3) = 0.667; all 4: 6/(3+1+3) = 0.857.
        var best = Judged(3, (0.9, true), (0.6, false), (0.5, true), (0.1, true)).BestF1()!;
        Assert.Equal((3, 1), (best.TruePositives, best.FalsePositives));
        Assert.Equal(0.05, best.Threshold, 12); // nothing below the lowest kept: halfway to 0
    }

    [Fact]
    public void EqualScoresAreKeptOrDroppedTogether()
    {
        // A hit and a miss share 0.5: the threshold can only take both or neither. Top 1: F1 = 2/(1+0+2) = 0.667;
        // with both at 0.5: 4/(2+1+2) = 0.8.
        var best = Judged(2, (0.8, true), (0.5, false), (0.5, true), (0.2, false)).BestF1()!;
        Assert.Equal((2, 1), (best.TruePositives, best.FalsePositives));
        Assert.Equal(0.35, best.Threshold, 12);
    }

    [Fact]
    public void AmongEqualF1sTheHighestThresholdWins()
    {
        // Two GT: the top one gives F1 = 2/(1+0+2) = 2/3, the top four (two misses, then a hit) 4/(2+2+2) = 2/3
        // too; the higher threshold is chosen.
        var tie = Judged(2, (0.9, true), (0.8, false), (0.7, false), (0.6, true), (0.1, false)).BestF1()!;
        Assert.Equal(2.0 / 3, tie.F1, 12);
        Assert.Equal((1, 0), (tie.TruePositives, tie.FalsePositives));
        Assert.Equal(0.85, tie.Threshold, 12);
    }

    [Fact]
    public void NoTruePositiveOrNoGroundTruthHasNoBestThreshold()
    {
        Assert.Null(Judged(2, (0.9, false), (0.5, false)).BestF1());
        Assert.Null(Judged(0, (0.9, false)).BestF1());
        Assert.Null(Judged(0, (0.9, false)).AllDetections());
        Assert.Null(Judged(3).BestF1());
    }

    [Fact]
    public void AllDetectionsCountsEverythingGiven()
    {
        var all = Judged(4, (0.9, true), (0.5, false), (0.3, true)).AllDetections()!;
        Assert.Equal((2, 1, 4), (all.TruePositives, all.FalsePositives, all.GtCount));
        Assert.Equal(2.0 / 3, all.Precision, 12);
        Assert.Equal(0.5, all.Recall, 12);
        var none = Judged(4).AllDetections()!;
        Assert.Equal((1.0, 0.0, 0.0), (none.Precision, none.Recall, none.F1)); // nothing claimed, nothing found
    }

    [Fact]
    public void TheEvaluatorJudgesPerCategoryAndPoolsForOneOverallThreshold()
    {
        // Category a: two objects, found at 0.9 and 0.8; a miss at 0.3. Category b: one object found at 0.4, a miss
        // (wrong place) at 0.7. A detection on a crowd region is neither right nor wrong.
        var gt = new CocoGroundTruth([new CocoImage(1), new CocoImage(2)], [new CocoCategory(1, "a"), new CocoCategory(2, "b")],
        [
            new CocoAnnotation(1, 1, 1, new CocoBox(0, 0, 10, 10), 100),
            new CocoAnnotation(2, 2, 1, new CocoBox(0, 0, 10, 10), 100),
            new CocoAnnotation(3, 1, 2, new CocoBox(50, 50, 10, 10), 100),
            new CocoAnnotation(4, 2, 2, new CocoBox(80, 80, 10, 10), 100, IsCrowd: true),
        ]);
        CocoDetection Det(long image, long category, double x, double score) => new(image, category, new CocoBox(x, x, 10, 10), score);
        var result = new CocoEvaluator().Evaluate(gt,
        [
            Det(1, 1, 0, 0.9), Det(2, 1, 0, 0.8), Det(1, 1, 30, 0.3),
            Det(1, 2, 50, 0.4), Det(1, 2, 20, 0.7), Det(2, 2, 80, 0.95),
        ]);
        var a = result.Categories[0].BestF1!;
        Assert.Equal((2, 0, 2), (a.TruePositives, a.FalsePositives, a.GtCount));
        Assert.Equal(0.55, a.Threshold, 12);
        var b = result.Categories[1].BestF1!;
        Assert.Equal((1, 1, 1), (b.TruePositives, b.FalsePositives, b.GtCount));
        Assert.Equal(0.2, b.Threshold, 12); // the hit at 0.4 is worth its false positive at 0.7: halfway to 0
        // Pooled, by score: 0.9 hit, 0.8 hit, 0.7 miss, 0.4 hit, 0.3 miss (the crowd one left out), 3 GT.
        // Top 2: F1 = 4/(2+0+3) = 0.8; top 4: 6/(3+1+3) = 0.857; all 5: 6/(3+2+3) = 0.75.
        var all = result.BestF1!;
        Assert.Equal((3, 1, 3), (all.TruePositives, all.FalsePositives, all.GtCount));
        Assert.Equal(0.35, all.Threshold, 12);
        var given = result.AllDetections!;
        Assert.Equal((3, 2), (given.TruePositives, given.FalsePositives));
    }

    [Fact]
    public void TableAndMetricsFileCarryTheOperatingPoints()
    {
        var gt = new CocoGroundTruth([new CocoImage(1)], [new CocoCategory(1, "a"), new CocoCategory(2, "b")],
            [new CocoAnnotation(1, 1, 1, new CocoBox(0, 0, 10, 10), 100)]);
        var result = new CocoEvaluator().Evaluate(gt,
            [new CocoDetection(1, 1, new CocoBox(0, 0, 10, 10), 0.8), new CocoDetection(1, 1, new CocoBox(40, 40, 10, 10), 0.6)]);
        string table = PerClassTable.Format(result);
        var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("F1    conf       P       R", rows[0]);
        Assert.EndsWith("1.000   0.700   1.000   1.000", rows[1]); // a: the hit kept, the miss dropped
        Assert.EndsWith("-       -       -       -", rows[2]);     // b: no GT
        Assert.StartsWith("        all", rows[3]);
        Assert.EndsWith("1.000   0.700   1.000   1.000", rows[3]);

        string path = Path.Combine(Path.GetTempPath(), $"operating-points-{Environment.ProcessId}.json");
        try
        {
            MetricsJson.Write(path, result, new Dictionary<string, string>());
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var best = json.RootElement.GetProperty("best_f1");
            Assert.Equal(0.7, best.GetProperty("threshold").GetDouble(), 12);
            Assert.Equal(1.0, best.GetProperty("precision").GetDouble(), 12);
            var given = json.RootElement.GetProperty("all_detections");
            Assert.Equal(0.5, given.GetProperty("precision").GetDouble(), 12);
            Assert.Equal(1.0, given.GetProperty("recall").GetDouble(), 12);
            var perCategory = json.RootElement.GetProperty("per_category");
            Assert.Equal(0.7, perCategory[0].GetProperty("best_f1").GetProperty("threshold").GetDouble(), 12);
            Assert.Equal(JsonValueKind.Null, perCategory[1].GetProperty("best_f1").ValueKind);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
