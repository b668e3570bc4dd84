namespace CocoEval.Tests;

/// <summary>Invariants of pycocotools' definition that hold for any input.</summary>
public class PropertyTests
{
    private static readonly TestCase Coco128 = TestCase.Get("golden/real_coco128_jitter");
    private static readonly TestCase Ties = TestCase.Get("golden/synthetic_maxdets_dups_ties");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReorderingAsPycocotoolsWouldNotSeeChangesNothing(int seed)
    {
        foreach (var c in new[] { Coco128, Ties })
        {
            var gt = CocoGroundTruth.Load(c.GroundTruthPath);
            var dets = LoadDetections(c, gt);
            var baseline = new CocoEvaluator().Evaluate(gt, dets);

            var rng = new Random(seed);
            // Images and annotations in any order; detections in any order that keeps the relative order of equal
            // scores within one image and category (the only order pycocotools' stable sorts can see).
            var shuffledGt = new CocoGroundTruth(Shuffle(gt.Images, rng), Shuffle(gt.Categories, rng), Shuffle(gt.Annotations, rng));
            var shuffled = ShuffleKeepingTies(dets, rng);
            var result = new CocoEvaluator().Evaluate(shuffledGt, shuffled);
            Assert.Equal(baseline.Stats, result.Stats);
        }
    }

    [Fact]
    public void TieOrderWithinAnImageAndCategoryIsWhatMatters()
    {
        // Two detections with equal scores on the same GT: the first in file order takes it.
        var gt = new CocoGroundTruth([new CocoImage(1)], [new CocoCategory(1, "a")],
            [new CocoAnnotation(1, 1, 1, new CocoBox(0, 0, 10, 10), 100)]);
        CocoDetection Hit(double score) => new(1, 1, new CocoBox(0, 0, 10, 10), score);
        CocoDetection Miss(double score) => new(1, 1, new CocoBox(50, 50, 10, 10), score);
        var hitFirst = new CocoEvaluator().Evaluate(gt, [Hit(0.5), Miss(0.5)]);
        var missFirst = new CocoEvaluator().Evaluate(gt, [Miss(0.5), Hit(0.5)]);
        Assert.Equal(1.0, hitFirst.Stats[1], 12);
        Assert.Equal(0.5, missFirst.Stats[1], 12);
    }

    [Fact]
    public void PerfectDetectionsGiveOne()
    {
        var gt = CocoGroundTruth.Load(Coco128.GroundTruthPath);
        var perfect = gt.Annotations.Where(a => !a.IsCrowd)
            .Select(a => new CocoDetection(a.ImageId, a.CategoryId, a.Box, 1.0)).ToList();
        var result = new CocoEvaluator().Evaluate(gt, perfect);
        for (int i = 0; i < 12; i++)
        {
            if (i is 6 or 7)
                continue; // AR@1 and AR@10 fall below 1 wherever an image holds more boxes of a category
            Assert.True(result.Stats[i] == -1 || Math.Abs(result.Stats[i] - 1) < 1e-12, $"stat {i} = {result.Stats[i]}");
        }
        Assert.All(result.Categories.Where(k => k.GtCount > 0), k => Assert.Equal(1.0, k.AP, 12));
    }

    [Fact]
    public void NoDetectionsGiveZeroWhereThereIsGTAndMinusOneElsewhere()
    {
        var c = TestCase.Get("behaviours/no_detections");
        var gt = CocoGroundTruth.Load(c.GroundTruthPath);
        var result = new CocoEvaluator().Evaluate(gt, []);
        var expected = c.Expected.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble());
        Assert.Equal(expected, result.Stats);
    }

    [Fact]
    public void EmptyGroundTruthAndNoDetectionsDoNotCrash()
    {
        var gt = new CocoGroundTruth([], [], []);
        var result = new CocoEvaluator().Evaluate(gt, []);
        Assert.All(result.Stats, s => Assert.Equal(-1, s));
        Assert.Contains("= -1.000", result.Summary());
    }

    [Fact]
    public void CorrectedHeadlineReadsTheLargestMaxDets()
    {
        var c = TestCase.Get("behaviours/maxdets_custom_1_5_20");
        var quirk = c.Evaluate();
        var corrected = c.Evaluate(c.Options() with { HeadlineAtLargestMaxDets = true });
        Assert.Equal(-1, quirk.Stats[0]); // pycocotools: maxDets=100 is not among [1, 5, 20]
        Assert.InRange(corrected.Stats[0], 0.01, 1);
        Assert.Contains("maxDets= 20 ] = ", corrected.Summary().Split('\n')[0]);
        Assert.Equal(quirk.Stats.Skip(1), corrected.Stats.Skip(1));
        // With the default maxDets both readings agree.
        var d = TestCase.Get("golden/real_coco128_jitter");
        Assert.Equal(d.Evaluate().Stats, d.Evaluate(new CocoEvalOptions { HeadlineAtLargestMaxDets = true }).Stats);
    }

    [Fact]
    public void ThreadCountDoesNotChangeResults()
    {
        var one = Coco128.Evaluate(new CocoEvalOptions { MaxDegreeOfParallelism = 1 });
        var all = Coco128.Evaluate(new CocoEvalOptions { MaxDegreeOfParallelism = -1 });
        Assert.Equal(one.Stats, all.Stats);
    }

    [Fact]
    public void UnknownCategoriesAreCountedAndLeftOut()
    {
        var gt = CocoGroundTruth.Load(Coco128.GroundTruthPath);
        var dets = LoadDetections(Coco128, gt);
        var extra = dets.Concat([new CocoDetection(gt.Images[0].Id, 999, new CocoBox(1, 1, 5, 5), 0.9),
            new CocoDetection(gt.Images[1].Id, 999, new CocoBox(1, 1, 5, 5), 0.8)]).ToList();
        var result = new CocoEvaluator().Evaluate(gt, extra);
        Assert.Equal(2, result.Counts.UnknownCategoryDetections[999]);
        Assert.Equal(new CocoEvaluator().Evaluate(gt, dets).Stats, result.Stats);
    }

    [Fact]
    public void ConfidenceCurvesAreConsistentWithCounts()
    {
        var result = Coco128.Evaluate(new CocoEvalOptions { CollectConfidenceCurves = true });
        foreach (var k in result.Categories.Where(k => k.GtCount > 0))
        {
            var curve = k.Curve!;
            Assert.Equal(ConfidenceCurve.Grid.Length, curve.Recall.Length);
            // Recall can only fall as the confidence threshold rises.
            for (int i = 1; i < curve.Recall.Length; i++)
                Assert.True(curve.Recall[i] <= curve.Recall[i - 1]);
            Assert.Equal(result.Recall(0, result.Categories.ToList().IndexOf(k), 0, 2), curve.Recall[0], 12);
        }
    }

    internal static List<CocoDetection> LoadDetections(TestCase c, CocoGroundTruth gt) =>
        CocoResultsFile.Load(c.DetectionsPath, gt);

    private static List<T> Shuffle<T>(IEnumerable<T> items, Random rng)
    {
        var list = items.ToList();
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        return list;
    }

    /// <summary>A random permutation, then each group of equal (image, category, score) put back in its old order.</summary>
    private static List<CocoDetection> ShuffleKeepingTies(List<CocoDetection> dets, Random rng)
    {
        var order = Shuffle(Enumerable.Range(0, dets.Count), rng);
        var groups = order.GroupBy(i => (dets[i].ImageId, dets[i].CategoryId, dets[i].Score))
            .ToDictionary(g => g.Key, g => new Queue<int>(g.Order()));
        return order.Select(i => dets[groups[(dets[i].ImageId, dets[i].CategoryId, dets[i].Score)].Dequeue()]).ToList();
    }
}
