namespace CocoEval.Evaluation;

/// <summary>Box IoU exactly as pycocotools' <c>bbIou</c> (maskApi.c) computes it, operation for operation.</summary>
internal static class BoxIou
{
    /// <summary>
    /// IoU of detection <paramref name="d"/> and GT <paramref name="g"/>; for a crowd GT the union is the detection's
    /// own area, so a detection inside a crowd region scores 1 however large the region.
    /// </summary>
    public static double Compute(in CocoBox d, in CocoBox g, bool crowd)
    {
        double w = Math.Min(d.Width + d.X, g.Width + g.X) - Math.Max(d.X, g.X);
        if (w <= 0) return 0;
        double h = Math.Min(d.Height + d.Y, g.Height + g.Y) - Math.Max(d.Y, g.Y);
        if (h <= 0) return 0;
        double i = w * h;
        double da = d.Width * d.Height;
        double u = crowd ? da : da + g.Width * g.Height - i;
        return i / u;
    }
}
