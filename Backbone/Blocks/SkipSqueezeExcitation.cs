using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// The skip branch of a RepVGG-SSE block: u = BN(x); branch = u * sigmoid(W * GAP(u)), W a bias-free 1x1 conv C -> C
/// with no reduction. Fused, the BN becomes a per-channel affine u = scale * x + shift that is never materialised:
/// GAP(u) = scale * GAP(x) + shift, and u * g = x * (scale * g) + shift * g.
/// </summary>
public sealed class SkipSqueezeExcitation : nn.Module
{
    BatchNorm2d? bn;
    Parameter? scale;
    Parameter? shift;
    readonly Conv2d gate;

    public SkipSqueezeExcitation(int channels) : base(nameof(SkipSqueezeExcitation))
    {
        bn = nn.BatchNorm2d(channels);
        gate = nn.Conv2d(channels, channels, 1, bias: false);
        RegisterComponents();
    }

    public bool IsFused => bn is null;

    /// <summary>The fused BN's per-channel scale and shift (C); only after fusing.</summary>
    public (Tensor Scale, Tensor Shift) FusedAffine => scale is not null && shift is not null
        ? (scale, shift) : throw new InvalidOperationException("the SSE branch is not fused: call Fuse() first.");

    /// <summary>The gate's bias-free 1x1 conv C -> C on the pooled input.</summary>
    public Conv2d GateConv => gate;

    /// <summary>Returns y + branch(x), consuming y (see <see cref="OwnedTensorOps"/>). x, y: (N, C, H, W).</summary>
    public Tensor AddTo(Tensor y, Tensor x)
    {
        if (bn is not null)
        {
            using var u = bn.forward(x);
            using var pooledBn = nn.functional.adaptive_avg_pool2d(u, [1, 1]);
            using var g = Gate(pooledBn);
            return OwnedTensorOps.AddProduct(y, u, g);
        }

        // (N, C, 1, 1) work only; the full-size tensors are touched by one addcmul and one add.
        using var s = scale!.reshape(1, -1, 1, 1);
        using var t = shift!.reshape(1, -1, 1, 1);
        using var pooled = nn.functional.adaptive_avg_pool2d(x, [1, 1]);
        using var pooledU = torch.addcmul(t, pooled, s, 1);
        using var gFused = Gate(pooledU);
        using var xScale = s * gFused;
        using var xShift = t * gFused;
        return OwnedTensorOps.Add(OwnedTensorOps.AddProduct(y, x, xScale), xShift);
    }

    /// <summary>sigmoid(W * GAP(u)) from GAP(u): (N, C, 1, 1) -> (N, C, 1, 1).</summary>
    Tensor Gate(Tensor pooledU)
    {
        using var logits = ConvolutionGroups.PooledLinear(gate, pooledU, group: 0);
        return logits.sigmoid();
    }

    /// <summary>Replaces the BN by its eval-mode affine (kept as parameters, as trainable as BN's gamma and beta).</summary>
    public void Fuse()
    {
        if (bn is null) return;
        var (s, t) = Reparameterization.BatchNormAffine(bn);
        scale = new Parameter(s);
        shift = new Parameter(t);
        register_module(nameof(bn), null!);
        bn.Dispose();
        bn = null;
        register_parameter(nameof(scale), scale);
        register_parameter(nameof(shift), shift);
    }

    public long Macs() => gate.weight.numel();
}
