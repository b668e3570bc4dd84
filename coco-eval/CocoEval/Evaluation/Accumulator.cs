namespace CocoEval.Evaluation;

/// <summary>
/// pycocotools' <c>accumulate</c> for one category: merge the images' detections by descending score (ties keep image
/// order, then rank, like numpy's stable mergesort), then per area range, maxDets and IoU threshold the cumulative
/// precision/recall, the precision envelope and its samples at the recall thresholds. One instance per worker.
/// </summary>
internal sealed class Accumulator(EvaluationTables tables, int[] maxDets)
{
    private const double Eps = 2.220446049250313e-16; // numpy.spacing(1)

    private ScoreKey[] _order = new ScoreKey[1024];
    private double[] _recall = new double[1024];
    private double[] _precision = new double[1024];

    /// <summary>Fills category <paramref name="k"/>'s cells of the tables; returns its detections judged at IoU 0.50
    /// (area all, the largest maxDets), for the operating points and confidence curves.</summary>
    public ScoredMatches Accumulate(CategoryMatches matches, int k)
    {
        int n = matches.Count;
        if (_order.Length < n)
        {
            int size = Math.Max(n, _order.Length * 2);
            _order = new ScoreKey[size];
            _recall = new double[size];
            _precision = new double[size];
        }
        for (int i = 0; i < n; i++)
            _order[i] = new ScoreKey(matches.Scores[i], i);
        Array.Sort(_order, 0, n);

        // A category without GT in any area range keeps -1 in the tables; its detections are still false positives.
        for (int a = 0; a < matches.AreaCount; a++)
        {
            int npig = matches.NonIgnoredGt[a];
            if (npig == 0)
                continue; // stays -1: no GT to recall
            for (int m = 0; m < maxDets.Length; m++)
                for (int t = 0; t < tables.T; t++)
                    AccumulateOne(matches, k, a, m, t, npig);
        }
        return Iou50(matches, maxDets[^1]);
    }

    /// <summary>
    /// One (category, area, maxDets, IoU threshold) cell. pycocotools computes precision and recall at every position
    /// of the merged list, takes the running maximum of precision from the right and samples it at the first
    /// position whose recall reaches each threshold. Recall only rises at true positives, and between two true
    /// positives precision can only fall, so every such maximum is attained at a true positive: only those
    /// positions are computed, with the same operations, which gives the same numbers with far fewer divisions.
    /// </summary>
    private void AccumulateOne(CategoryMatches matches, int k, int a, int m, int t, int npig)
    {
        int maxDet = maxDets[m];
        int areaCount = matches.AreaCount;
        int truePositives = 0;
        double tp = 0, fp = 0;
        for (int i = 0; i < matches.Count; i++)
        {
            int det = _order[i].Index;
            if (matches.RankInImage[det] >= maxDet)
                continue;
            int slot = det * areaCount + a;
            if ((matches.Ignored[slot] >> t & 1) != 0)
                continue;
            if ((matches.Matched[slot] >> t & 1) == 0)
            {
                fp++;
                continue;
            }
            tp++;
            _recall[truePositives] = tp / npig;
            _precision[truePositives] = tp / (fp + tp + Eps);
            truePositives++;
        }
        tables.Recall[tables.RecallIndex(t, k, a, m)] = tp / npig; // 0 without detections, like pycocotools

        // Precision envelope: running maximum from the right.
        for (int i = truePositives - 1; i > 0; i--)
            if (_precision[i] > _precision[i - 1])
                _precision[i - 1] = _precision[i];

        // numpy.searchsorted(recall, thresholds, side='left'); thresholds past the last recall keep precision 0.
        var thresholds = tables.RecallThresholds;
        int pi = 0;
        for (int r = 0; r < thresholds.Count; r++)
        {
            while (pi < truePositives && _recall[pi] < thresholds[r])
                pi++;
            tables.Precision[tables.PrecisionIndex(t, r, k, a, m)] = pi < truePositives ? _precision[pi] : 0;
        }
    }

    /// <summary>The detections within <paramref name="maxDet"/> of their image, at the first IoU threshold (0.50) and
    /// area "all", by descending score; ignored ones (matched to a crowd region, or outside the area) left out.</summary>
    private ScoredMatches Iou50(CategoryMatches matches, int maxDet)
    {
        var scores = new List<double>();
        var truePositive = new List<bool>();
        for (int i = 0; i < matches.Count; i++)
        {
            int det = _order[i].Index;
            if (matches.RankInImage[det] >= maxDet || (matches.Ignored[det * matches.AreaCount] & 1) != 0)
                continue;
            scores.Add(_order[i].Score);
            truePositive.Add((matches.Matched[det * matches.AreaCount] & 1) != 0);
        }
        return new ScoredMatches([.. scores], [.. truePositive], matches.NonIgnoredGt[0]);
    }

    /// <summary>Descending score, ties by position in the concatenation: a stable sort by -score.</summary>
    private readonly record struct ScoreKey(double Score, int Index) : IComparable<ScoreKey>
    {
        public int CompareTo(ScoreKey other) =>
            Score != other.Score ? other.Score.CompareTo(Score) : Index.CompareTo(other.Index);
    }
}
