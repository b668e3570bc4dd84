namespace CocoEval;

/// <summary>
/// The detections scoring at least <see cref="Threshold"/>, judged at IoU 0.50 (area "all", the largest maxDets;
/// detections matched to crowd regions count neither way, as in AP): true and false positives against
/// <see cref="GtCount"/> ground-truth boxes, and the precision, recall and F1 they make.
/// </summary>
public sealed record OperatingPoint(double Threshold, int TruePositives, int FalsePositives, int GtCount)
{
    /// <summary>The share of kept detections that are right; 1 when none is kept (nothing wrong yet, as in the
    /// confidence curves).</summary>
    public double Precision => TruePositives + FalsePositives > 0 ? (double)TruePositives / (TruePositives + FalsePositives) : 1;

    public double Recall => GtCount > 0 ? (double)TruePositives / GtCount : 0;

    public double F1 => TruePositives > 0 ? 2 * Precision * Recall / (Precision + Recall) : 0;
}
