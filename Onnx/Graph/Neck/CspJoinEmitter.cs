using ParNetDetect.DetectionHead.Neck;
using ParNetDetect.Onnx.Graph.Backbone;

namespace ParNetDetect.Onnx.Graph.Neck;

/// <summary>The CSP merge: conv1x1(SiLU(cat(BN(main), shortcut(x)))); the main path's BN stays a BatchNormalization
/// (an activation precedes it, nothing to fold into).</summary>
public static class CspJoinEmitter
{
    public static string Emit(GraphBuilder g, CspJoin join, string main, string shortcutInput, string scope)
    {
        var bn = join.MainNorm;
        var a = g.BatchNorm($"{scope}.main_bn", main, bn.weight, bn.bias!, bn.running_mean!, bn.running_var!, bn.eps);
        var b = ConvBnActEmitter.Emit(g, join.Shortcut, shortcutInput, $"{scope}.shortcut");
        var joined = Activation.Silu(g, $"{scope}.act", g.Concat($"{scope}.cat", 1, a, b));
        return ConvBnActEmitter.Emit(g, join.Output, joined, $"{scope}.output");
    }
}
