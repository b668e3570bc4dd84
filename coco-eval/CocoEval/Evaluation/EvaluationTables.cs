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
}
