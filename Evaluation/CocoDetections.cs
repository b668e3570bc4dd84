using CocoEval;
using ParNetDetect.DetectionHead;

namespace ParNetDetect.Evaluation;

/// <summary>A detector's detections on one image as COCO results entries (what coco-eval and pycocotools score).</summary>
public static class CocoDetections
{
    /// <param name="categoryId">The category id of a class index: the dataset's (val) or the model's (predict).</param>
    public static IEnumerable<CocoDetection> Of(IEnumerable<Detection> detections, long imageId, Func<int, long> categoryId) =>
        detections.Select(d => new CocoDetection(imageId, categoryId(d.ClassIndex), CocoBox.FromCorners(d.X1, d.Y1, d.X2, d.Y2), d.Score));
}
