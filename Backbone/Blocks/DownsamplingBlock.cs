using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// Downsampling block (the stem blocks, the stream-1 downsampling and the final block; grouped inside fusion blocks):
/// act((BN(conv3x3_s(x)) + BN(conv1x1(pool(x)))) * 2 * sigmoid(W * GAP(x))), W a bias-free 1x1 conv Cin -> Cout.
/// With stride 2 the 1x1 branch first average-pools 2x2 (<see cref="Reparameterization.AveragePool2x2"/>); with
/// stride 1 (the second fusion block) it does not. Fused: act(conv3x3'(x) * gate).
/// x: (N, Cin, H, W) -> (N, Cout, ceil(H/s), ceil(W/s)).
/// </summary>
public sealed class DownsamplingBlock : ReparameterizableBlock
{
    readonly Conv2d gate;
    readonly ParNetActivation activation;

    public DownsamplingBlock(int inChannels, int outChannels, ParNetActivation activation, int stride = 2, int groups = 1)
        : base(nameof(DownsamplingBlock), inChannels, outChannels, stride, groups)
    {
        gate = nn.Conv2d(inChannels, outChannels, 1, groups: groups, bias: false);
        this.activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => ForwardGroup(x, group: 0);

    /// <summary>
    /// Group <paramref name="group"/> of a grouped block, which is a whole block on that group's channels (the gate
    /// is grouped too): x (N, Cin/groups, H, W) -> (N, Cout/groups, ceil(H/s), ceil(W/s)).
    /// </summary>
    public Tensor ForwardGroup(Tensor x, int group)
    {
        using var pooled = nn.functional.adaptive_avg_pool2d(x, [1, 1]);
        using var logits = ConvolutionGroups.PooledLinear(gate, pooled, group);
        using var sig = logits.sigmoid();
        using var g = sig.mul(2.0);
        return OwnedTensorOps.Activate(OwnedTensorOps.Mul(Branches(x, group), g), activation);
    }

    /// <summary>The gate's bias-free 1x1 conv on the pooled input (grouped as the block).</summary>
    public Conv2d GateConv => gate;

    public ParNetActivation Activation => activation;

    /// <summary>In place and idempotent: one 3x3 conv with bias (stride and groups kept); the gate stays.</summary>
    public void Fuse() => FuseBranches();

    /// <summary>Multiply-accumulates for an h x w input (convs only).</summary>
    public long Macs(int h, int w) => BranchMacs(h, w) + gate.weight.numel();
}
