namespace ParNetDetect.Onnx.Quantization;

/// <summary>
/// One tensor's values over all calibration images, in a single pass: the exact minimum and maximum, and a
/// histogram on a range symmetric about 0 that doubles (merging bin pairs, so no count moves to a wrong bin) when a
/// value falls outside, for the percentile method.
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

    /// <summary>The range to quantize: [min, max], or the percentile cut with (100 - p) / 2 percent of values beyond
    /// each end (never wider than [min, max]).</summary>
    public (float Min, float Max) Range(CalibrationMethod method, double percentile)
    {
        if (total == 0) throw new InvalidOperationException("no values were observed.");
        if (method == CalibrationMethod.MinMax) return (Min, Max);
        double tail = (100 - percentile) / 200 * total;
        double width = 2 * halfRange / Bins;
        int lowBin = 0, highBin = Bins - 1;
        for (long seen = 0; lowBin < Bins - 1 && seen + counts[lowBin] <= tail; lowBin++) seen += counts[lowBin];
        for (long seen = 0; highBin > 0 && seen + counts[highBin] <= tail; highBin--) seen += counts[highBin];
        float lo = (float)(-halfRange + lowBin * width), hi = (float)(-halfRange + (highBin + 1) * width);
        return (Math.Max(lo, Min), Math.Min(hi, Max));
    }
}
