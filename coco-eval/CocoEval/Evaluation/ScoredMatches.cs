namespace CocoEval.Evaluation;

/// <summary>
/// Detections judged at IoU 0.50 (area "all", the largest maxDets), by descending score: whether each is a true
/// positive, and the ground-truth boxes there are to find. One category's, or every category's pooled; the
/// confidence curves and the operating points are read from it.
/// </summary>
internal sealed class ScoredMatches
{
    /// <param name="scores">Descending.</param>
    public ScoredMatches(double[] scores, bool[] truePositive, int gtCount)
    {
        if (scores.Length != truePositive.Length)
            throw new ArgumentException($"{scores.Length} scores but {truePositive.Length} match flags.");
        Scores = scores;
        TruePositive = truePositive;
        GtCount = gtCount;
    }

    public double[] Scores { get; }
    public bool[] TruePositive { get; }
    public int GtCount { get; }
    public int Count => Scores.Length;

    /// <summary>Every category's detections as one list (each category matched on its own), against all their GT.</summary>
    public static ScoredMatches Pool(IReadOnlyList<ScoredMatches> parts)
    {
        int n = parts.Sum(p => p.Count);
        var scores = new double[n];
        var truePositive = new bool[n];
        int i = 0;
        foreach (var part in parts)
        {
            part.Scores.CopyTo(scores, i);
            part.TruePositive.CopyTo(truePositive, i);
            i += part.Count;
        }
        // Descending; equal scores are taken in or left out together, so their order does not matter.
        Array.Sort(scores, truePositive, Comparer<double>.Create((a, b) => b.CompareTo(a)));
        return new ScoredMatches(scores, truePositive, parts.Sum(p => p.GtCount));
    }

    /// <summary>Every detection given (threshold 0): what a detector that already applied its thresholds scores.</summary>
    public OperatingPoint? AllDetections()
    {
        if (GtCount == 0)
            return null;
        int tp = TruePositive.Count(t => t);
        return new OperatingPoint(0, tp, Count - tp, GtCount);
    }

    /// <summary>
    /// The score threshold that maximises F1, or null without a true positive (or GT). Detections of equal score are
    /// kept or dropped together; among equal F1s the highest threshold wins. The threshold lies halfway between the
    /// lowest score kept and the highest score dropped (0 when none is dropped), so it keeps the same detections
    /// whether a caller compares with &gt;= or &gt;.
    /// </summary>
    public OperatingPoint? BestF1()
    {
        if (GtCount == 0)
            return null;
        int tp = 0, fp = 0, bestEnd = 0, bestTp = 0;
        double bestF1 = 0;
        for (int i = 0; i < Count;)
        {
            int end = i;
            for (; end < Count && Scores[end] == Scores[i]; end++)
            {
                if (TruePositive[end]) tp++;
                else fp++;
            }
            // F1 = 2 TP / (2 TP + FP + FN), with FN = GT - TP.
            double f1 = 2.0 * tp / (tp + fp + GtCount);
            if (f1 > bestF1)
                (bestF1, bestEnd, bestTp) = (f1, end, tp);
            i = end;
        }
        if (bestTp == 0)
            return null;
        double below = bestEnd < Count ? Scores[bestEnd] : 0;
        return new OperatingPoint((Scores[bestEnd - 1] + below) / 2, bestTp, bestEnd - bestTp, GtCount);
    }
}
