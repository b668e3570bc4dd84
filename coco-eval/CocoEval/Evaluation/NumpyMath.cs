namespace CocoEval.Evaluation;

/// <summary>numpy's float64 reductions, reproduced so means agree to the last bit.</summary>
internal static class NumpyMath
{
    /// <summary>numpy's reduction iterator hands the add loop blocks of this many elements (its buffer size).</summary>
    private const int ReduceBlock = 8192;

    /// <summary>pycocotools' <c>np.mean(s[s > -1])</c>, or -1 when no entry is measured.</summary>
    public static double MeasuredMean(IEnumerable<double> values)
    {
        var measured = values.Where(v => v > -1).ToArray();
        return measured.Length == 0 ? -1 : Mean(measured);
    }

    /// <summary><c>numpy.mean</c> of a contiguous float64 array: the blockwise pairwise sum divided by the count.</summary>
    public static double Mean(ReadOnlySpan<double> values) => Sum(values) / values.Length;

    /// <summary><c>numpy.sum</c>: pairwise within each block of 8192, blocks added in order.</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        for (int start = 0; start < values.Length; start += ReduceBlock)
            sum += PairwiseSum(values.Slice(start, Math.Min(ReduceBlock, values.Length - start)));
        return sum;
    }

    /// <summary>numpy's <c>pairwise_sum</c>: 8 accumulators for blocks up to 128, halving recursion above.</summary>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0;
            for (int i = 0; i < n; i++)
                res += a[i];
            return res;
        }
        if (n <= 128)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i;
            for (i = 8; i < n - n % 8; i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
                res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }
}
