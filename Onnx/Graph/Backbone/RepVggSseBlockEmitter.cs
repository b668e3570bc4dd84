using ParNetDetect.Backbone.Blocks;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Graph.Backbone;

/// <summary>
/// A fused RepVGG-SSE block: act(conv3x3(x) + x * (s g) + t g), g = sigmoid(W (s GAP(x) + t)), (s, t) the SSE's
/// folded BN. The affine on the pooled input is folded into the gate conv (weight W diag(s), bias W t), so the
/// graph touches the full-size map only with the conv, one Mul and two Adds, in the order the TorchSharp model uses.
/// x: (N, C, H, W) -> same.
/// </summary>
public static class RepVggSseBlockEmitter
{
    public static string Emit(GraphBuilder g, RepVggSseBlock block, string x, string scope)
    {
        var (s, t) = block.Sse.FusedAffine;
        long c = s.shape[0];
        var y = g.Conv($"{scope}.conv", x, block.FusedConv, ConvRole.Feature);
        var pooled = g.GlobalAveragePool($"{scope}.pool", x);
        string logits;
        using (NewDisposeScope())
        {
            var w = block.Sse.GateConv.weight.detach();
            var weight = w * s.detach().view(1, c, 1, 1);
            var bias = w.flatten(1).matmul(t.detach());
            logits = g.Conv($"{scope}.sse.gate", pooled, weight, bias, [1], [0], 1, ConvRole.Gate);
        }
        var gate = g.Sigmoid($"{scope}.sse.gate.sigmoid", logits);
        var xScale = g.Mul($"{scope}.sse.x_scale", gate, g.Floats($"{scope}.sse.scale", s, 1, c, 1, 1));
        var xShift = g.Mul($"{scope}.sse.x_shift", gate, g.Floats($"{scope}.sse.shift", t, 1, c, 1, 1));
        var sum = g.Add($"{scope}.sse.add", y, g.Mul($"{scope}.sse.skip", x, xScale));
        return Activation.Emit(g, $"{scope}.act", g.Add($"{scope}.sse.add_shift", sum, xShift), block.Activation);
    }
}
