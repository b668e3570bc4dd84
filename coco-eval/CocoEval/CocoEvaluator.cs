using CocoEval.Evaluation;

namespace CocoEval;

/// <summary>
/// COCO bbox evaluation with pycocotools' exact numbers. Works on in-memory data (the trainer's validation) or on
/// files (streamed); categories are evaluated in parallel.
/// </summary>
/// <example><code>
/// var result = new CocoEvaluator().Evaluate(groundTruth, detections);
/// Console.Write(result.Summary());
/// </code></example>
public sealed class CocoEvaluator(CocoEvalOptions? options = null)
{
    public CocoEvalOptions Options { get; } = options ?? new CocoEvalOptions();

    /// <summary>Loads a COCO instances file and a results file (array, or object with 'annotations') and evaluates.</summary>
    public CocoEvalResult EvaluateFiles(string groundTruthPath, string detectionsPath)
    {
        var groundTruth = CocoGroundTruth.Load(groundTruthPath);
        var detections = CocoResultsFile.Load(detectionsPath, groundTruth);
        return Evaluate(groundTruth, detections);
    }

    /// <summary>
    /// Evaluates <paramref name="detections"/> against <paramref name="groundTruth"/>. A detection on an image the GT
    /// lacks, or with a negative or non-finite box size or score, throws <see cref="CocoDataException"/>; detections
    /// of categories the GT lacks are counted in the result and otherwise left out, as pycocotools does.
    /// </summary>
    public CocoEvalResult Evaluate(CocoGroundTruth groundTruth, IReadOnlyList<CocoDetection> detections)
    {
        int[] maxDets = Options.SortedMaxDets();
        var input = EvaluationInput.Build(groundTruth, detections);
        var tables = new EvaluationTables(input.CategoryCount, maxDets.Length);
        var judged = new ScoredMatches[input.CategoryCount];
        var gtCounts = new int[input.CategoryCount];

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism };
        Parallel.For(0, input.CategoryCount, parallel,
            () => new CategoryWorker(input, tables, maxDets),
            (k, _, worker) =>
            {
                (judged[k], gtCounts[k]) = worker.Evaluate(k);
                return worker;
            },
            _ => { });

        var categories = CategoryResults(groundTruth, input, tables, judged, gtCounts, Options.CollectConfidenceCurves);
        var counts = new EvaluationCounts(groundTruth.Images.Count, groundTruth.Annotations.Count, detections.Count,
            input.UnknownCategoryDetections);
        var all = ScoredMatches.Pool(judged);
        return new CocoEvalResult(tables, maxDets, Options.HeadlineAtLargestMaxDets, categories, counts,
            all.BestF1(), all.AllDetections());
    }

    private static CategoryResult[] CategoryResults(CocoGroundTruth groundTruth, EvaluationInput input,
        EvaluationTables tables, ScoredMatches[] judged, int[] gtCounts, bool curves)
    {
        int m = tables.M - 1;
        int t50 = tables.IouIndex(0.5), t75 = tables.IouIndex(0.75);
        var result = new CategoryResult[input.CategoryCount];
        for (int k = 0; k < result.Length; k++)
        {
            long id = input.CategoryIds[k];
            groundTruth.TryGetCategoryIndex(id, out int listIndex);
            result[k] = new CategoryResult(id, groundTruth.Categories[listIndex].Name, gtCounts[k],
                input.DetCategoryStart[k + 1] - input.DetCategoryStart[k],
                AP: NumpyMath.MeasuredMean(tables.PrecisionValues(null, k, 0, m)),
                AP50: NumpyMath.MeasuredMean(tables.PrecisionValues(t50, k, 0, m)),
                AP75: NumpyMath.MeasuredMean(tables.PrecisionValues(t75, k, 0, m)),
                AR: NumpyMath.MeasuredMean(tables.RecallValues(null, k, 0, m)),
                judged[k].BestF1(), judged[k].AllDetections(),
                curves ? ConfidenceCurve.From(judged[k]) : null);
        }
        return result;
    }

    /// <summary>Evaluates whole categories: every image's matching, then the accumulation. One per thread.</summary>
    private sealed class CategoryWorker(EvaluationInput input, EvaluationTables tables, int[] maxDets)
    {
        private readonly CategoryMatches _matches = new(tables.A);
        private readonly ImageMatcher _matcher =
            new(input, tables.IouThresholds, CocoEvalParams.AreaRanges, maxDets[^1]);
        private readonly Accumulator _accumulator = new(tables, maxDets);

        /// <summary>Returns the category's detections judged at IoU 0.50 and its non-crowd GT count.</summary>
        public (ScoredMatches, int) Evaluate(int k)
        {
            _matches.Reset();
            int d = input.DetCategoryStart[k], dEnd = input.DetCategoryStart[k + 1];
            int g = input.GtCategoryStart[k], gEnd = input.GtCategoryStart[k + 1];
            int nonCrowd = 0;
            for (int i = g; i < gEnd; i++)
                nonCrowd += input.GtCrowd[i] ? 0 : 1;
            // Both ranges are sorted by image rank: walk them together, one image at a time.
            while (d < dEnd || g < gEnd)
            {
                int image = Math.Min(d < dEnd ? input.DetImage[d] : int.MaxValue,
                    g < gEnd ? input.GtImage[g] : int.MaxValue);
                int d1 = d, g1 = g;
                while (d1 < dEnd && input.DetImage[d1] == image) d1++;
                while (g1 < gEnd && input.GtImage[g1] == image) g1++;
                _matcher.Match(d, d1, g, g1, _matches);
                (d, g) = (d1, g1);
            }
            return (_accumulator.Accumulate(_matches, k), nonCrowd);
        }
    }
}
