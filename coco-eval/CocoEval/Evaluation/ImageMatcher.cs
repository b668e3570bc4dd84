namespace CocoEval.Evaluation;

/// <summary>
/// pycocotools' <c>computeIoU</c> + <c>evaluateImg</c> for one image and category, for every area range at once
/// (the IoUs are computed once). One instance per worker; its buffers are reused.
/// </summary>
internal sealed class ImageMatcher(EvaluationInput input, IReadOnlyList<double> iouThresholds,
    IReadOnlyList<AreaRange> areaRanges, int maxDets)
{
    private int[] _detOrder = new int[256];
    private double[] _ious = new double[1024];
    private int[] _gtOrder = new int[64];
    private bool[] _gtIgnore = new bool[64];
    private bool[] _gtTaken = new bool[64];

    /// <summary>
    /// Matches detections [<paramref name="d0"/>, <paramref name="d1"/>) against GT [<paramref name="g0"/>,
    /// <paramref name="g1"/>) (both of one image and category, in file order) and appends the results to
    /// <paramref name="output"/>.
    /// </summary>
    public void Match(int d0, int d1, int g0, int g1, CategoryMatches output)
    {
        int detCount = SortByScore(d0, d1);
        int gtCount = g1 - g0;
        EnsureGtCapacity(gtCount);
        ComputeIous(detCount, g0, gtCount);

        int first = output.Count;
        for (int d = 0; d < detCount; d++)
            output.Add(input.DetScores[_detOrder[d]], d);

        for (int a = 0; a < areaRanges.Count; a++)
        {
            var range = areaRanges[a];
            int nonIgnored = OrderGtNonIgnoredFirst(g0, gtCount, range);
            output.NonIgnoredGt[a] += nonIgnored;
            if (gtCount == 0)
                MarkUnmatched(detCount, a, range, first, output);
            else
                for (int t = 0; t < iouThresholds.Count; t++)
                    MatchAtThreshold(detCount, g0, gtCount, t, a, range, first, output);
        }
    }

    /// <summary>No GT to match (the common case): every detection is unmatched at every threshold.</summary>
    private void MarkUnmatched(int detCount, int a, AreaRange range, int first, CategoryMatches output)
    {
        uint allThresholds = (uint)((1L << iouThresholds.Count) - 1);
        for (int d = 0; d < detCount; d++)
            if (!range.Contains(input.DetBoxes[_detOrder[d]].Area))
                output.Ignored[(first + d) * output.AreaCount + a] = allThresholds;
    }

    /// <summary>Sorts the run's detections by descending score, ties in file order, and keeps the first maxDets.</summary>
    private int SortByScore(int d0, int d1)
    {
        int n = d1 - d0;
        if (_detOrder.Length < n)
            _detOrder = new int[Math.Max(n, _detOrder.Length * 2)];
        var scores = input.DetScores;
        if (n > 32)
        {
            for (int i = 0; i < n; i++)
                _detOrder[i] = d0 + i;
            // Array.Sort is not stable; the index tie-break makes it so.
            Array.Sort(_detOrder, 0, n, Comparer<int>.Create((x, y) =>
                scores[x] != scores[y] ? scores[y].CompareTo(scores[x]) : x.CompareTo(y)));
            return Math.Min(n, maxDets);
        }
        // Insertion sort: stable, and most runs are short (one image, one category).
        for (int i = 0; i < n; i++)
        {
            int det = d0 + i;
            double s = scores[det];
            int j = i;
            while (j > 0 && scores[_detOrder[j - 1]] < s)
            {
                _detOrder[j] = _detOrder[j - 1];
                j--;
            }
            _detOrder[j] = det;
        }
        return Math.Min(n, maxDets);
    }

    private void ComputeIous(int detCount, int g0, int gtCount)
    {
        if (_ious.Length < detCount * gtCount)
            _ious = new double[Math.Max(detCount * gtCount, _ious.Length * 2)];
        for (int d = 0; d < detCount; d++)
        {
            ref readonly var box = ref input.DetBoxes[_detOrder[d]];
            for (int g = 0; g < gtCount; g++)
                _ious[d * gtCount + g] = BoxIou.Compute(box, input.GtBoxes[g0 + g], input.GtCrowd[g0 + g]);
        }
    }

    /// <summary>Flags GT outside the range (or crowd) as ignored and orders them last, stably.</summary>
    private int OrderGtNonIgnoredFirst(int g0, int gtCount, AreaRange range)
    {
        int next = 0;
        for (int g = 0; g < gtCount; g++)
        {
            _gtIgnore[g] = input.GtCrowd[g0 + g] || !range.Contains(input.GtAreas[g0 + g]);
            if (!_gtIgnore[g])
                _gtOrder[next++] = g;
        }
        int nonIgnored = next;
        for (int g = 0; g < gtCount; g++)
            if (_gtIgnore[g])
                _gtOrder[next++] = g;
        return nonIgnored;
    }

    private void MatchAtThreshold(int detCount, int g0, int gtCount, int t, int a, AreaRange range, int first,
        CategoryMatches output)
    {
        Array.Clear(_gtTaken, 0, gtCount);
        uint bit = 1u << t;
        double threshold = Math.Min(iouThresholds[t], 1 - 1e-10);
        for (int d = 0; d < detCount; d++)
        {
            double best = threshold;
            int m = -1;
            for (int k = 0; k < gtCount; k++)
            {
                int g = _gtOrder[k];
                // A crowd region stays available to further detections.
                if (_gtTaken[g] && !input.GtCrowd[g0 + g])
                    continue;
                // Once matched to a regular GT, do not move to an ignored one (they come last).
                if (m > -1 && !_gtIgnore[m] && _gtIgnore[g])
                    break;
                double iou = _ious[d * gtCount + g];
                if (iou < best)
                    continue;
                best = iou;
                m = g;
            }
            int slot = (first + d) * output.AreaCount + a;
            bool matched = false;
            if (m > -1)
            {
                _gtTaken[m] = true;
                matched = !input.GtIdIsZero[g0 + m];
                if (matched)
                    output.Matched[slot] |= bit;
                if (_gtIgnore[m])
                    output.Ignored[slot] |= bit;
            }
            // An unmatched detection outside the area range is ignored.
            if (!matched && !range.Contains(input.DetBoxes[_detOrder[d]].Area))
                output.Ignored[slot] |= bit;
        }
    }

    private void EnsureGtCapacity(int gtCount)
    {
        if (_gtOrder.Length >= gtCount)
            return;
        int size = Math.Max(gtCount, _gtOrder.Length * 2);
        _gtOrder = new int[size];
        _gtIgnore = new bool[size];
        _gtTaken = new bool[size];
    }
}
