namespace CocoEval;

/// <summary>What a caller may choose; the defaults reproduce pycocotools' <c>COCOeval(gt, dt, 'bbox')</c>.</summary>
public sealed record CocoEvalOptions
{
    /// <summary>Detections kept per image and category (three values, as the summary reads three).</summary>
    public IReadOnlyList<int> MaxDets { get; init; } = [1, 10, 100];

    /// <summary>
    /// pycocotools' summary reports its first number, AP@[.50:.95], at maxDets=100 whatever <see cref="MaxDets"/> says
    /// (-1 when 100 is not among them). False keeps that quirk so the digits match; true reads it at the largest
    /// maxDets, like the other AP lines.
    /// </summary>
    public bool HeadlineAtLargestMaxDets { get; init; }

    /// <summary>Also keep per-category precision/recall-vs-confidence curves (for F1 plots).</summary>
    public bool CollectConfidenceCurves { get; init; }

    /// <summary>Worker threads; -1 uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>MaxDets sorted ascending after validation.</summary>
    internal int[] SortedMaxDets()
    {
        var m = MaxDets.Order().ToArray();
        if (m.Length != 3 || m[0] < 1 || m[0] == m[1] || m[1] == m[2])
            throw new ArgumentException(
                $"maxDets must be three distinct positive integers (the summary reads three), got [{string.Join(",", MaxDets)}]");
        return m;
    }
}
