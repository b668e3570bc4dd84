using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>A bias-free conv followed by BatchNorm: one branch of a RepVGG-style block.
/// x: (N, Cin, H, W) -> (N, Cout, H', W'); grouped branches run one group at a time (<see cref="ForwardGroup"/>).</summary>
public sealed class ConvBn : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly BatchNorm2d bn;

    public ConvBn(int inChannels, int outChannels, int kernelSize, int stride, int groups) : base(nameof(ConvBn))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: kernelSize / 2, groups: groups, bias: false);
        bn = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => ForwardGroup(x, 0);

    /// <summary>Group <paramref name="group"/> of the branch: x (N, Cin/groups, H, W) -> (N, Cout/groups, H', W').</summary>
    public Tensor ForwardGroup(Tensor x, int group)
    {
        using var y = ConvolutionGroups.Conv2d(conv, x, group);
        return ConvolutionGroups.BatchNorm(bn, y, group, conv.groups);
    }

    /// <summary>The branch as one conv: BN folded into the weight, (weight, bias).</summary>
    public (Tensor Weight, Tensor Bias) Folded() => Reparameterization.FoldBatchNorm(conv.weight, bn);

    /// <summary>Multiply-accumulates of the conv for an output of outH x outW pixels.</summary>
    public long Macs(int outH, int outW) => conv.weight.numel() * outH * outW;
}
