using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// RepVGG-SSE block, stride 1, C -> C: act(BN(conv3x3(x)) + BN(conv1x1(x)) + SSE(x)).
/// Fused: act(conv3x3'(x) + SSE'(x)), the 1x1 branch folded into the centre tap of the 3x3.
/// x: (N, C, H, W) -> (N, C, H, W).
/// </summary>
public sealed class RepVggSseBlock : ReparameterizableBlock
{
    readonly SkipSqueezeExcitation sse;
    readonly ParNetActivation activation;

    public RepVggSseBlock(int channels, ParNetActivation activation)
        : base(nameof(RepVggSseBlock), channels, channels, stride: 1, groups: 1)
    {
        sse = new SkipSqueezeExcitation(channels);
        this.activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return OwnedTensorOps.Activate(sse.AddTo(Branches(x, group: 0), x), activation);
    }

    public SkipSqueezeExcitation Sse => sse;

    public ParNetActivation Activation => activation;

    /// <summary>In place and idempotent: one 3x3 conv with bias; the SSE branch keeps its gate.</summary>
    public void Fuse()
    {
        FuseBranches();
        sse.Fuse();
    }

    /// <summary>Multiply-accumulates for an h x w input (convs only).</summary>
    public long Macs(int h, int w) => BranchMacs(h, w) + sse.Macs();
}
