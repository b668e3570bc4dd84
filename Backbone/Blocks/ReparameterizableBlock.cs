using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// The part RepVGG-SSE and downsampling blocks share: a 3x3 conv-BN branch (stride s) plus a 1x1 conv-BN branch
/// (after a 2x2 average pool when s = 2), which <see cref="FuseBranches"/> merges into one 3x3 conv with bias.
/// State-dict names: conv3x3.{conv,bn}, conv1x1.{conv,bn}; fused: reparam.{weight,bias}.
/// </summary>
public abstract class ReparameterizableBlock : nn.Module<Tensor, Tensor>
{
    ConvBn? conv3x3;
    ConvBn? conv1x1;
    Conv2d? reparam;
    readonly int stride;

    protected ReparameterizableBlock(string name, int inChannels, int outChannels, int stride, int groups) : base(name)
    {
        if (stride is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be 1 or 2");
        conv3x3 = new ConvBn(inChannels, outChannels, 3, stride, groups);
        conv1x1 = new ConvBn(inChannels, outChannels, 1, stride: 1, groups);
        // Registered here so that the branches come first in the state dict, as in the official code.
        register_module(nameof(conv3x3), conv3x3);
        register_module(nameof(conv1x1), conv1x1);
        this.stride = stride;
        Groups = groups;
    }

    public bool IsFused => reparam is not null;

    /// <summary>The fused 3x3 conv with bias (padding 1, <see cref="Stride"/>, <see cref="Groups"/>); only after fusing.</summary>
    public Conv2d FusedConv => reparam ?? throw new InvalidOperationException($"{GetName()} is not fused: call Fuse() first.");

    /// <summary>1, or 2 for a downsampling block.</summary>
    public int Stride => stride;

    /// <summary>Channel groups of the convs (2 inside fusion blocks); see <see cref="ConvolutionGroups"/>.</summary>
    public int Groups { get; }

    /// <summary>
    /// Sum of the conv branches for group <paramref name="group"/> (0 when ungrouped), a new tensor.
    /// x: (N, Cin/groups, H, W) -> (N, Cout/groups, ceil(H/s), ceil(W/s)).
    /// </summary>
    protected Tensor Branches(Tensor x, int group)
    {
        if (reparam is not null) return ConvolutionGroups.Conv2d(reparam, x, group);
        using var shrunk = stride == 2 ? Reparameterization.AveragePool2x2(x) : null;
        using var b = conv1x1!.ForwardGroup(shrunk ?? x, group);
        return OwnedTensorOps.Add(conv3x3!.ForwardGroup(x, group), b);
    }

    /// <summary>In place and idempotent: both branches become one 3x3 conv with bias (same stride and groups).</summary>
    protected void FuseBranches()
    {
        if (reparam is not null) return;
        var (w3, b3) = conv3x3!.Folded();
        var (w1, b1) = conv1x1!.Folded();
        using (w3) using (b3) using (w1) using (b1)
        using (var w1As3 = stride == 2 ? Reparameterization.AvgPoolAnd1x1To3x3Stride2(w1) : Reparameterization.CentreTo3x3(w1))
        using (var weight = w3 + w1As3)
        using (var bias = b3 + b1)
            reparam = Reparameterization.NewConv3x3(weight, bias, stride, Groups);
        register_module(nameof(conv3x3), null!);
        register_module(nameof(conv1x1), null!);
        conv3x3.Dispose();
        conv1x1.Dispose();
        conv3x3 = conv1x1 = null;
        register_module(nameof(reparam), reparam);
    }

    /// <summary>Output size of this block for an h x w input.</summary>
    public (int H, int W) OutputSize(int h, int w) =>
        stride == 2 ? (Reparameterization.HalveCeil(h), Reparameterization.HalveCeil(w)) : (h, w);

    /// <summary>Multiply-accumulates of the conv branches for an h x w input.</summary>
    protected long BranchMacs(int h, int w)
    {
        var (oh, ow) = OutputSize(h, w);
        return reparam is not null ? reparam.weight.numel() * oh * ow : conv3x3!.Macs(oh, ow) + conv1x1!.Macs(oh, ow);
    }
}
