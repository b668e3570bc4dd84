using System.Text;
using CocoEval.Evaluation;

namespace CocoEval;

/// <summary>
/// The outcome of an evaluation: pycocotools' 12 summary numbers, its precision and recall tables, per-category
/// numbers and the counts of what was read.
/// </summary>
public sealed class CocoEvalResult
{
    /// <summary>Short names of the 12 stats, in pycocotools' order.</summary>
    public static IReadOnlyList<string> StatNames { get; } =
    [
        "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl",
    ];

    private readonly EvaluationTables _tables;
    private readonly SummaryLine[] _lines;

    internal CocoEvalResult(EvaluationTables tables, int[] maxDets, bool headlineAtLargestMaxDets,
        IReadOnlyList<CategoryResult> categories, EvaluationCounts counts, OperatingPoint? bestF1,
        OperatingPoint? allDetections)
    {
        BestF1 = bestF1;
        AllDetections = allDetections;
        _tables = tables;
        MaxDets = maxDets;
        HeadlineAtLargestMaxDets = headlineAtLargestMaxDets;
        Categories = categories;
        Counts = counts;
        _lines = SummaryLines(maxDets, headlineAtLargestMaxDets);
        Stats = _lines.Select(Summarize).ToArray();
    }

    /// <summary>The 12 numbers of pycocotools' <c>summarize()</c>, in its order; -1 where nothing was measurable.</summary>
    public IReadOnlyList<double> Stats { get; }

    public IReadOnlyList<int> MaxDets { get; }
    public bool HeadlineAtLargestMaxDets { get; }

    /// <summary>Per category, in ascending id order.</summary>
    public IReadOnlyList<CategoryResult> Categories { get; }

    public EvaluationCounts Counts { get; }

    /// <summary>
    /// Every category's detections pooled (each matched within its category) at IoU 0.50: the one score threshold that
    /// maximises F1 over all of them (null without a true positive), the overall counterpart of
    /// <see cref="CategoryResult.BestF1"/>.
    /// </summary>
    public OperatingPoint? BestF1 { get; }

    /// <summary>Every detection given, pooled at IoU 0.50 (null without GT): precision and recall of a detector that
    /// already applied its thresholds.</summary>
    public OperatingPoint? AllDetections { get; }

    /// <summary>
    /// Interpolated precision at IoU threshold <paramref name="t"/>, recall threshold <paramref name="r"/>, category
    /// <paramref name="k"/> (index into <see cref="Categories"/>), area range <paramref name="a"/>, maxDets index
    /// <paramref name="m"/>; -1 where the category has no GT in that area range.
    /// </summary>
    public double Precision(int t, int r, int k, int a, int m) => _tables.Precision[_tables.PrecisionIndex(t, r, k, a, m)];

    /// <summary>Recall reached at IoU threshold <paramref name="t"/>, indices as in <see cref="Precision"/>.</summary>
    public double Recall(int t, int k, int a, int m) => _tables.Recall[_tables.RecallIndex(t, k, a, m)];

    /// <summary>pycocotools' 12 summary lines, character for character.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        for (int i = 0; i < _lines.Length; i++)
            text.Append(_lines[i].Format(Stats[i])).Append('\n');
        return text.ToString();
    }

    /// <summary>pycocotools' <c>_summarizeDets</c>, including its literal maxDets=100 for the first line.</summary>
    private static SummaryLine[] SummaryLines(int[] maxDets, bool headlineAtLargest)
    {
        int large = maxDets[2];
        return
        [
            new(true, null, "all", headlineAtLargest ? large : 100),
            new(true, 0.5, "all", large),
            new(true, 0.75, "all", large),
            new(true, null, "small", large),
            new(true, null, "medium", large),
            new(true, null, "large", large),
            new(false, null, "all", maxDets[0]),
            new(false, null, "all", maxDets[1]),
            new(false, null, "all", large),
            new(false, null, "small", large),
            new(false, null, "medium", large),
            new(false, null, "large", large),
        ];
    }

    /// <summary>pycocotools' <c>_summarize</c>: the mean of the selected table entries that are not -1.</summary>
    private double Summarize(SummaryLine line)
    {
        int a = IndexOf(CocoEvalParams.AreaRanges.Select(r => r.Label), line.Area);
        int m = IndexOf(MaxDets, line.MaxDets);
        if (a < 0 || m < 0)
            return -1; // e.g. maxDets=100 when --max-dets does not hold it: numpy selects nothing
        int? t = line.IouThreshold is { } thr ? _tables.IouIndex(thr) : null;
        var values = line.IsPrecision ? _tables.PrecisionValues(t, null, a, m) : _tables.RecallValues(t, null, a, m);
        return NumpyMath.MeasuredMean(values);
    }

    private static int IndexOf<T>(IEnumerable<T> items, T item)
    {
        int i = 0;
        foreach (var x in items)
        {
            if (EqualityComparer<T>.Default.Equals(x, item))
                return i;
            i++;
        }
        return -1;
    }

    private sealed record SummaryLine(bool IsPrecision, double? IouThreshold, string Area, int MaxDets)
    {
        public string Format(double value)
        {
            var iou = CocoEvalParams.IouThresholds;
            string title = IsPrecision ? "Average Precision" : "Average Recall";
            string kind = IsPrecision ? "(AP)" : "(AR)";
            string iouText = IouThreshold is { } thr
                ? PythonFormat.Fixed(thr, 2)
                : $"{PythonFormat.Fixed(iou[0], 2)}:{PythonFormat.Fixed(iou[^1], 2)}";
            return $" {title,-18} {kind} @[ IoU={iouText,-9} | area={Area,6} | maxDets={MaxDets,3} ] = {PythonFormat.Fixed(value, 3)}";
        }
    }
}

/// <summary>What was read: images and GT boxes in the GT, detections given, and those on unknown categories.</summary>
public sealed record EvaluationCounts(int Images, int GtAnnotations, int Detections,
    IReadOnlyDictionary<long, int> UnknownCategoryDetections)
{
    public int UnknownCategoryDetectionCount => UnknownCategoryDetections.Values.Sum();
}
