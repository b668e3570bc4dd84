using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

static class BlockActivation
{
    /// <summary>Applies the block nonlinearity; returns a new tensor.</summary>
    public static Tensor Apply(this ParNetActivation activation, Tensor x) => activation switch
    {
        ParNetActivation.SiLU => nn.functional.silu(x),
        ParNetActivation.ReLU => nn.functional.relu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
