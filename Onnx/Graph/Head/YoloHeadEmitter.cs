using ParNetDetect.DetectionHead;

namespace ParNetDetect.Onnx.Graph.Head;

/// <summary>The head's output convs and the decoding of <see cref="YoloDetector.Predict"/>: neck outputs ->
/// (N, K, 5 + nc) with cx, cy, w, h in input pixels, objectness and class probabilities, levels P3 first.</summary>
public static class YoloHeadEmitter
{
    /// <param name="input">The input's spatial size in a fixed-size graph; null in a dynamic one.</param>
    public static string Emit(GraphBuilder g, YoloHead head, Anchors anchors, IReadOnlyList<string> levels, Spatial? input,
        string output, string scope)
    {
        var convs = head.OutputConvs;
        var decoded = new string[levels.Count];
        for (int i = 0; i < levels.Count; i++)
        {
            var logits = g.Conv($"{scope}.predict.{i}", levels[i], convs[i], Graph.ConvRole.Output);
            decoded[i] = BoxDecoderEmitter.Emit(g, logits, anchors, i, head.Outputs, input?.Level(anchors.Strides[i]),
                $"{scope}.decode.{i}");
        }
        return g.Concat(output, 1, decoded);
    }
}
