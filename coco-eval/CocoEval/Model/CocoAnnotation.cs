namespace CocoEval;

/// <summary>
/// A ground-truth box. <see cref="Area"/> is the annotation's own <c>area</c> field (what pycocotools compares with the
/// area ranges), not necessarily the box's width times height. A crowd region is always ignored: detections on it are
/// neither true nor false positives.
/// </summary>
public sealed record CocoAnnotation(long Id, long ImageId, long CategoryId, CocoBox Box, double Area, bool IsCrowd = false);
