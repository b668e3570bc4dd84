namespace CocoEval.Evaluation;

/// <summary>
/// pycocotools' <c>eval['precision']</c> [T, R, K, A, M] and <c>eval['recall']</c> [T, K, A, M], row-major, -1 where
/// a category has no GT in an area range.
/// </summary>
internal sealed class EvaluationTables
{
    public EvaluationTables(int categoryCount, int maxDetsCount)
    {
        K = categoryCount;
        M = maxDetsCount;
        Precision = new double[T * R * K * A * M];
        Recall = new double[T * K * A * M];
        Array.Fill(Precision, -1);
        Array.Fill(Recall, -1);
    }

    public IReadOnlyList<double> IouThresholds => CocoEvalParams.IouThresholds;
    public IReadOnlyList<double> RecallThresholds => CocoEvalParams.RecallThresholds;
    public int T => IouThresholds.Count;
    public int R => RecallThresholds.Count;
    public int A => CocoEvalParams.AreaRanges.Count;
    public int K { get; }
    public int M { get; }
    public double[] Precision { get; }
    public double[] Recall { get; }

    public int PrecisionIndex(int t, int r, int k, int a, int m) => (((t * R + r) * K + k) * A + a) * M + m;

    public int RecallIndex(int t, int k, int a, int m) => ((t * K + k) * A + a) * M + m;

    /// <summary>
    /// numpy's <c>precision[t, :, k, a, m]</c> with t and k each one index or all (null), flattened row-major
    /// (t, then r, then k), so a mean over it adds in numpy's order.
    /// </summary>
    public IEnumerable<double> PrecisionValues(int? t, int? k, int a, int m)
    {
        foreach (int ti in Indices(t, T))
            for (int r = 0; r < R; r++)
                foreach (int ki in Indices(k, K))
                    yield return Precision[PrecisionIndex(ti, r, ki, a, m)];
    }

    /// <summary>numpy's <c>recall[t, k, a, m]</c> with t and k each one index or all (null), flattened row-major.</summary>
    public IEnumerable<double> RecallValues(int? t, int? k, int a, int m)
    {
        foreach (int ti in Indices(t, T))
            foreach (int ki in Indices(k, K))
                yield return Recall[RecallIndex(ti, ki, a, m)];
    }

    /// <summary>Index of an IoU threshold by exact value (numpy.where(iouThr == iouThrs)), or -1.</summary>
    public int IouIndex(double threshold)
    {
        for (int t = 0; t < T; t++)
            if (IouThresholds[t] == threshold)
                return t;
        return -1;
    }

    private static IEnumerable<int> Indices(int? one, int count) =>
        one is { } i ? (i >= 0 ? [i] : []) : Enumerable.Range(0, count);
}
