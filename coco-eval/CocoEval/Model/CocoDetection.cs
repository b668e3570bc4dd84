namespace CocoEval;

/// <summary>A detection as in a COCO results file (what pycocotools' <c>loadRes</c> takes).</summary>
public readonly record struct CocoDetection(long ImageId, long CategoryId, CocoBox Box, double Score);
