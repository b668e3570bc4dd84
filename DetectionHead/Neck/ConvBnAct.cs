using ParNetDetect.Backbone;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Neck;

/// <summary>
/// The neck's basic layer: k x k conv (no bias) -> BatchNorm -> SiLU (or no activation).
/// x: (N, Cin, H, W) -> (N, Cout, H/s, W/s). <see cref="Fuse"/> folds the BN into the conv's weight and bias.
/// </summary>
public sealed class ConvBnAct : nn.Module<Tensor, Tensor>
{
    Conv2d conv;
    BatchNorm2d? bn;
    readonly bool activation;

    public ConvBnAct(int inChannels, int outChannels, int kernelSize = 1, int stride = 1, bool activation = true)
        : base(nameof(ConvBnAct))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: kernelSize / 2, bias: false);
        bn = nn.BatchNorm2d(outChannels);
        this.activation = activation;
        RegisterComponents();
    }

    public int OutChannels => (int)conv.weight.shape[0];
    public bool IsFused => bn is null;

    /// <summary>The conv (with the BN folded in once fused; padding k/2).</summary>
    public Conv2d Conv => conv;

    /// <summary>Whether SiLU follows.</summary>
    public bool HasActivation => activation;

    public override Tensor forward(Tensor x)
    {
        if (bn is null && !activation) return conv.forward(x);
        using var y = conv.forward(x);
        if (bn is null) return nn.functional.silu(y);
        if (!activation) return bn.forward(y);
        using var z = bn.forward(y);
        return nn.functional.silu(z);
    }

    /// <summary>In place, idempotent: conv + BN become one conv with bias (eval-mode statistics).</summary>
    public void Fuse()
    {
        if (bn is null) return;
        var (weight, bias) = Reparameterization.FoldBatchNorm(conv.weight, bn);
        var fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size[0], stride: conv.stride[0],
            padding: conv.kernel_size[0] / 2, bias: true, device: conv.weight.device, dtype: conv.weight.dtype);
        using (no_grad())
        using (weight)
        using (bias)
        {
            fused.weight.copy_(weight);
            fused.bias!.copy_(bias);
        }
        register_module(nameof(bn), null!);
        bn.Dispose();
        bn = null;
        register_module(nameof(conv), null!);
        conv.Dispose();
        conv = fused;
        register_module(nameof(conv), conv);
    }
}
