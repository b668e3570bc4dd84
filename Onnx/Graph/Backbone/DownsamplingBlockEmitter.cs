using ParNetDetect.Backbone.Blocks;

namespace ParNetDetect.Onnx.Graph.Backbone;

/// <summary>
/// A fused downsampling block: act(conv3x3_s(x) * 2 sigmoid(W * GAP(x))), grouped like the block (2 groups inside
/// fusion blocks, as one grouped Conv). The gate's factor 2 is folded into the conv's weight and bias: scaling by a
/// power of two is exact, so (2y) * s equals y * (2s) bit for bit and the graph saves a Mul.
/// x: (N, Cin, H, W) -> (N, Cout, ceil(H/s), ceil(W/s)).
/// </summary>
public static class DownsamplingBlockEmitter
{
    public static string Emit(GraphBuilder g, DownsamplingBlock block, string x, string scope)
    {
        var y = g.Conv($"{scope}.conv", x, block.FusedConv, ConvRole.Feature, scale: 2);
        var pooled = g.GlobalAveragePool($"{scope}.pool", x);
        var gate = g.Sigmoid($"{scope}.gate.sigmoid", g.Conv($"{scope}.gate", pooled, block.GateConv, ConvRole.Gate));
        return Activation.Emit(g, $"{scope}.act", g.Mul($"{scope}.gated", y, gate), block.Activation);
    }
}
