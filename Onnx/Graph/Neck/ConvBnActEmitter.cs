using ParNetDetect.DetectionHead.Neck;
using ParNetDetect.Onnx.Graph.Backbone;

namespace ParNetDetect.Onnx.Graph.Neck;

/// <summary>A fused ConvBnAct: one Conv with the BN folded in, then SiLU when the layer has it.</summary>
public static class ConvBnActEmitter
{
    public static string Emit(GraphBuilder g, ConvBnAct layer, string x, string scope)
    {
        if (!layer.IsFused) throw new InvalidOperationException("export needs a fused model: call Fuse() first.");
        var y = g.Conv($"{scope}.conv", x, layer.Conv, ConvRole.Feature);
        return layer.HasActivation ? Activation.Silu(g, $"{scope}.act", y) : y;
    }
}
