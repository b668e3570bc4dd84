using Onnx;

namespace ParNetDetect.Onnx.Graph.Head;

/// <summary>
/// ONNX NonMaxSuppression on the decoded candidates, per image and per class (as <c>Nms.Run</c> with MultiLabel:
/// every class whose score = objectness x class probability passes the threshold is a candidate), then the gathers
/// that make one fixed layout: detections (M, 7) = image index, x1, y1, x2, y2 (input pixels), score, class index,
/// grouped by image, then class, best first. Suppression is by IoU &gt; threshold within a class, at most
/// <paramref name="maxPerClass"/> boxes per image and class.
/// </summary>
public static class NmsEmitter
{
    public static string Emit(GraphBuilder g, string predictions, float scoreThreshold, float iouThreshold, int maxPerClass,
        string output, string scope)
    {
        var boxes = g.Slice($"{scope}.boxes", predictions, 2, 0, 4);                                   // (N, K, 4) cx cy w h
        var scores = g.Mul($"{scope}.scores", g.Slice($"{scope}.classes", predictions, 2, 5, long.MaxValue),
            g.Slice($"{scope}.objectness", predictions, 2, 4, 5));                                      // (N, K, nc)
        var byClass = g.Transpose($"{scope}.scores_by_class", scores, 0, 2, 1);                         // (N, nc, K)
        var selected = g.Node("NonMaxSuppression", $"{scope}.selected",
            [boxes, byClass, g.Int64s($"{scope}.max_per_class", maxPerClass),
             g.Floats($"{scope}.iou_threshold", [iouThreshold], 1), g.Floats($"{scope}.score_threshold", [scoreThreshold], 1)],
            GraphBuilder.Attribute("center_point_box", 1L));                                            // (M, 3) image, class, box
        var image = g.Slice($"{scope}.image", selected, 1, 0, 1);
        var cls = g.Slice($"{scope}.class", selected, 1, 1, 2);
        var box = g.Slice($"{scope}.box", selected, 1, 2, 3);
        var picked = g.GatherNd($"{scope}.picked", boxes, g.Concat($"{scope}.image_box", 1, image, box)); // (M, 4)
        var halves = g.Split($"{scope}.centre_size", picked, 1, 2, 2);
        var halfSize = g.Mul($"{scope}.half_size", halves[1], g.Floats($"{scope}.half", [0.5f]));
        var score = g.Unsqueeze($"{scope}.score", g.GatherNd($"{scope}.picked_score", byClass, selected), 1);
        var x1y1 = g.Sub($"{scope}.x1y1", halves[0], halfSize);
        var x2y2 = g.Add($"{scope}.x2y2", halves[0], halfSize);
        return g.Concat(output, 1,
            g.Cast($"{scope}.image_index", image, TensorProto.Types.DataType.Float), x1y1, x2y2, score,
            g.Cast($"{scope}.class_index", cls, TensorProto.Types.DataType.Float));
    }
}
