namespace CocoEval;

/// <summary>
/// pycocotools' fixed bbox evaluation parameters. The thresholds are computed the way <c>numpy.linspace</c> computes
/// them, so they carry the same rounding (the 9th IoU threshold is 0.8999999999999999, not 0.9).
/// </summary>
public static class CocoEvalParams
{
    /// <summary>IoU thresholds .50:.05:.95.</summary>
    public static IReadOnlyList<double> IouThresholds { get; } = Linspace(0.5, 0.95, 10);

    /// <summary>Recall thresholds 0:.01:1 at which precision is sampled.</summary>
    public static IReadOnlyList<double> RecallThresholds { get; } = Linspace(0.0, 1.0, 101);

    /// <summary>Area ranges all, small, medium, large (pycocotools' order); both ends inclusive.</summary>
    public static IReadOnlyList<AreaRange> AreaRanges { get; } =
    [
        new("all", 0, 1e10), new("small", 0, 32 * 32), new("medium", 32 * 32, 96 * 96), new("large", 96 * 96, 1e10),
    ];

    /// <summary><c>numpy.linspace(start, stop, n)</c>: start + i * step, the last element exactly stop.</summary>
    internal static double[] Linspace(double start, double stop, int n)
    {
        var values = new double[n];
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++)
            values[i] = i * step + start;
        values[n - 1] = stop;
        return values;
    }
}

/// <summary>A named GT-area range, inclusive at both ends.</summary>
public sealed record AreaRange(string Label, double Min, double Max)
{
    public bool Contains(double area) => !(area < Min || area > Max);
}
