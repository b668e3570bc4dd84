using CocoEval.Evaluation;

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

    /// <summary>The curve of one category's judged detections; null without GT.</summary>
    internal static ConfidenceCurve? From(ScoredMatches matches)
    {
        if (matches.GtCount == 0)
            return null;
        var precision = new double[Grid.Length];
        var recall = new double[Grid.Length];
        int i = 0;
        double tp = 0, fp = 0;
        // Walk confidences downwards, taking in the detections that reach each one.
        for (int c = Grid.Length - 1; c >= 0; c--)
        {
            for (; i < matches.Count && matches.Scores[i] >= Grid[c]; i++)
            {
                if (matches.TruePositive[i]) tp++;
                else fp++;
            }
            precision[c] = tp + fp > 0 ? tp / (tp + fp) : 1; // no detection kept: nothing wrong yet
            recall[c] = tp / matches.GtCount;
        }
        return new ConfidenceCurve(Grid, precision, recall);
    }

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
