namespace CocoEval;

/// <summary>
/// Precision and recall of one category at IoU 0.50 (area all, the largest maxDets) when only detections scoring at
/// least each confidence are kept: the data of an F1-vs-confidence plot. Ignored detections (on crowd regions) count
/// neither way, as in the AP computation.
/// </summary>
public sealed record ConfidenceCurve(double[] Confidence, double[] Precision, double[] Recall)
{
    /// <summary>Confidences sampled: 0, 0.001, ..., 1.</summary>
    public static double[] Grid { get; } = CocoEvalParams.Linspace(0, 1, 1001);

    public double[] F1()
    {
        var f1 = new double[Confidence.Length];
        for (int i = 0; i < f1.Length; i++)
        {
            double p = Precision[i], r = Recall[i];
            f1[i] = p + r > 0 ? 2 * p * r / (p + r) : 0;
        }
        return f1;
    }
}
