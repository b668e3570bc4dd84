namespace ParNetDetect.Onnx.Quantization;

/// <summary>
/// One tensor's values over all calibration images, in a single pass: the exact minimum and maximum, and a
/// histogram on a range symmetric about 0 that doubles (merging bin pairs, so no count moves to a wrong bin) when a
/// value falls outside, for the percentile and entropy methods.
/// </summary>
public sealed class ActivationStatistics
{
    const int Bins = 4096;   // even, so that doubling merges pairs of bins about 0
    readonly long[] counts = new long[Bins];
    double halfRange;
    long total;

    public float Min { get; private set; } = float.PositiveInfinity;
    public float Max { get; private set; } = float.NegativeInfinity;

    public void Add(ReadOnlySpan<float> values)
    {
        float min = Min, max = Max;
        foreach (float v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        (Min, Max) = (min, max);
        double extent = Math.Max(Math.Abs((double)min), Math.Abs((double)max));
        if (!double.IsFinite(extent)) throw new InvalidDataException("a calibration activation is infinite or NaN.");
        if (halfRange == 0) halfRange = extent > 0 ? extent : 1;
        while (extent >= halfRange) Double();
        double width = 2 * halfRange / Bins;
        foreach (float v in values)
            counts[Math.Clamp((int)Math.Floor((v + halfRange) / width), 0, Bins - 1)]++;
        total += values.Length;
    }

    void Double()
    {
        // Bin i covers [-R + i w, -R + (i + 1) w); after doubling, new bin Bins/4 + j/2 holds old bins j, j + 1.
        var merged = new long[Bins];
        for (int i = 0; i < Bins; i++) merged[Bins / 4 + i / 2] += counts[i];
        merged.CopyTo(counts, 0);
        halfRange *= 2;
    }

    /// <summary>The range to quantize: [min, max]; the percentile cut with (100 - p) / 2 percent of values beyond
    /// each end; or the entropy method's symmetric range. Never wider than [min, max].</summary>
    public (float Min, float Max) Range(CalibrationMethod method, double percentile)
    {
        if (total == 0) throw new InvalidOperationException("no values were observed.");
        return method switch
        {
            CalibrationMethod.MinMax => (Min, Max),
            CalibrationMethod.Entropy => EntropyRange(),
            _ => PercentileRange(percentile),
        };
    }

    (float Min, float Max) PercentileRange(double percentile)
    {
        double tail = (100 - percentile) / 200 * total;
        double width = 2 * halfRange / Bins;
        int lowBin = 0, highBin = Bins - 1;
        for (long seen = 0; lowBin < Bins - 1 && seen + counts[lowBin] <= tail; lowBin++) seen += counts[lowBin];
        for (long seen = 0; highBin > 0 && seen + counts[highBin] <= tail; highBin--) seen += counts[highBin];
        float lo = (float)(-halfRange + lowBin * width), hi = (float)(-halfRange + (highBin + 1) * width);
        return (Math.Max(lo, Min), Math.Min(hi, Max));
    }

    /// <summary>
    /// Over symmetric windows [-t, t) of the histogram (t a multiple of 8 bins), the one minimising KL(P || Q): P the
    /// window's counts with the values beyond it added to its end bins, Q the window merged into 128 levels and
    /// spread back evenly over the bins that held values. As TensorRT's and ONNX Runtime's entropy calibrators.
    /// </summary>
    (float Min, float Max) EntropyRange()
    {
        const int levels = 128, step = 8;
        int zero = Bins / 2;
        double width = 2 * halfRange / Bins, bestDivergence = double.MaxValue;
        int bestHalf = zero;
        var p = new double[Bins];
        var q = new double[Bins];
        for (int half = levels / 2; half <= zero; half += step)
        {
            int start = zero - half, n = 2 * half;
            for (int k = 0; k < n; k++) p[k] = counts[start + k];
            for (int k = 0; k < start; k++) p[0] += counts[k];
            for (int k = start + n; k < Bins; k++) p[n - 1] += counts[k];
            for (int j = 0; j < levels; j++)
            {
                int a = j * n / levels, b = (j + 1) * n / levels;
                double sum = 0;
                int nonZero = 0;
                for (int k = a; k < b; k++)
                {
                    sum += counts[start + k];
                    if (counts[start + k] != 0) nonZero++;
                }
                for (int k = a; k < b; k++) q[k] = counts[start + k] != 0 ? sum / nonZero : 0;
            }
            double divergence = Divergence(p.AsSpan(0, n), q.AsSpan(0, n));
            if (divergence < bestDivergence) (bestDivergence, bestHalf) = (divergence, half);
        }
        float t = (float)(bestHalf * width);
        return (Math.Max(-t, Min), Math.Min(t, Max));
    }

    /// <summary>KL(P || Q) of two unnormalised histograms; Q's empty bins get a small share (smoothing) so that a
    /// bin P has and Q lacks costs much but finitely.</summary>
    static double Divergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        const double epsilon = 1e-4;
        double pSum = 0, qSum = 0;
        foreach (double v in p) pSum += v;
        foreach (double v in q) qSum += v;
        if (pSum == 0 || qSum == 0) return double.MaxValue;
        double divergence = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (p[k] == 0) continue;
            double pk = p[k] / pSum, qk = Math.Max(q[k] / qSum, epsilon / p.Length);
            divergence += pk * Math.Log(pk / qk);
        }
        return divergence;
    }
}
