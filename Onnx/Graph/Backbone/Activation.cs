using ParNetDetect.Backbone;

namespace ParNetDetect.Onnx.Graph.Backbone;

/// <summary>The nonlinearities. Opset 17 has no SiLU operator: x * sigmoid(x), which ONNX Runtime keeps in its
/// NCHWc layout (both inputs have the same shape).</summary>
public static class Activation
{
    public static string Emit(GraphBuilder g, string name, string x, ParNetActivation activation) => activation switch
    {
        ParNetActivation.SiLU => Silu(g, name, x),
        ParNetActivation.ReLU => g.Relu(name, x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    public static string Silu(GraphBuilder g, string name, string x) => g.Mul(name, x, g.Sigmoid(name + ".sigmoid", x));
}
