namespace CocoEval;

/// <summary>
/// One category's numbers at area "all" and the largest maxDets, means taken as in the summary (-1 when the category
/// has no non-crowd GT). <see cref="GtCount"/> counts its non-crowd GT boxes, <see cref="DetectionCount"/> every
/// detection of it before the maxDets cut. At IoU 0.50: <see cref="BestF1"/>, the score threshold that maximises F1
/// (null without a true positive), and <see cref="AllDetections"/>, every detection given (null without GT).
/// </summary>
public sealed record CategoryResult(long Id, string Name, int GtCount, int DetectionCount,
    double AP, double AP50, double AP75, double AR, OperatingPoint? BestF1, OperatingPoint? AllDetections,
    ConfidenceCurve? Curve);
