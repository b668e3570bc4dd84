using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// Elementwise steps of the blocks on a temporary the caller owns (<paramref name="owned"/> is consumed: the result
/// replaces it). With gradients off (eval, inference) they run in place and allocate nothing; with gradients on they
/// allocate, because autograd needs the inputs of mul and the activations unchanged.
/// </summary>
static class OwnedTensorOps
{
    static bool InPlace => !is_grad_enabled();

    /// <summary>owned * other.</summary>
    public static Tensor Mul(Tensor owned, Tensor other)
    {
        if (InPlace) return owned.mul_(other);
        using (owned) return owned.mul(other);
    }

    /// <summary>owned + other.</summary>
    public static Tensor Add(Tensor owned, Tensor other)
    {
        if (InPlace) return owned.add_(other);
        using (owned) return owned.add(other);
    }

    /// <summary>owned + a * b.</summary>
    public static Tensor AddProduct(Tensor owned, Tensor a, Tensor b)
    {
        if (InPlace) return owned.addcmul_(a, b, 1);
        using (owned) return owned.addcmul(a, b, 1);
    }

    /// <summary>The block nonlinearity.</summary>
    public static Tensor Activate(Tensor owned, ParNetActivation activation)
    {
        if (InPlace)
            return activation switch
            {
                ParNetActivation.SiLU => nn.functional.silu(owned, inplace: true),
                ParNetActivation.ReLU => owned.relu_(),
                _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
            };
        using (owned)
            return activation switch
            {
                ParNetActivation.SiLU => nn.functional.silu(owned),
                ParNetActivation.ReLU => owned.relu(),
                _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
            };
    }
}
