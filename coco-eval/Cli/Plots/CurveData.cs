namespace CocoEval.Cli.Plots;

/// <summary>The curves drawn by <c>--plots</c>, taken from an evaluation result (area "all", the largest maxDets).</summary>
internal static class CurveData
{
    public static readonly double[] Recall = CocoEvalParams.RecallThresholds.ToArray();

    /// <summary>Interpolated precision of category index <paramref name="k"/> at IoU index <paramref name="t"/>, or
    /// the mean over IoU thresholds when <paramref name="t"/> is null; null when the category has no GT.</summary>
    public static double[]? Precision(CocoEvalResult result, int k, int? t)
    {
        int m = result.MaxDets.Count - 1;
        int[] ts = t is { } one ? [one] : Enumerable.Range(0, CocoEvalParams.IouThresholds.Count).ToArray();
        if (result.Precision(ts[0], 0, k, 0, m) < 0)
            return null;
        return Enumerable.Range(0, Recall.Length).Select(r => ts.Average(i => result.Precision(i, r, k, 0, m))).ToArray();
    }

    /// <summary>The mean over categories that have GT, point by point; null when none has.</summary>
    public static double[]? Mean(IEnumerable<double[]?> curves)
    {
        var present = curves.OfType<double[]>().ToList();
        if (present.Count == 0)
            return null;
        return Enumerable.Range(0, present[0].Length).Select(i => present.Average(c => c[i])).ToArray();
    }

    /// <summary>Index and value of the largest element.</summary>
    public static (int Index, double Value) ArgMax(double[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return (best, values[best]);
    }
}
