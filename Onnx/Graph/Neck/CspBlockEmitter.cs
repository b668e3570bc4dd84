using ParNetDetect.DetectionHead.Neck;

namespace ParNetDetect.Onnx.Graph.Neck;

/// <summary>BottleneckCSP2: x1 = conv1x1(x); join(bottlenecks(x1), x1).</summary>
public static class CspBlockEmitter
{
    public static string Emit(GraphBuilder g, CspBlock block, string x, string scope)
    {
        var x1 = ConvBnActEmitter.Emit(g, block.Input, x, $"{scope}.input");
        var y = x1;
        var layers = block.Bottlenecks;
        for (int i = 0; i < layers.Count; i++) y = ConvBnActEmitter.Emit(g, layers[i], y, $"{scope}.bottlenecks.{i}");
        return CspJoinEmitter.Emit(g, block.Join, y, x1, $"{scope}.join");
    }
}
