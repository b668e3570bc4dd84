using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// Fusion block: merges the current stream y with the running merge of the shallower streams. Each input gets its own
/// BN, the two are interleaved by channel (y0, m0, y1, m1, ...), a downsampling-type block with groups = 2 maps
/// 2C -> Cout, and the output channels are shuffled with 2 groups. The input BNs stay when fused: they precede a
/// zero-padded conv, so folding them into it would be wrong at the borders.
/// Computed without a grouped convolution (see <see cref="ConvolutionGroups"/>): group g's input is the interleave of
/// the g-th halves of y and merged, the block runs on each group alone, and the shuffle of the two groups' outputs
/// is their interleave, so no step copies more than the grouped formulation would.
/// y, merged: (N, C, H, W) -> (N, Cout, ceil(H/s), ceil(W/s)), C and Cout even.
/// </summary>
public sealed class FusionBlock : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BatchNorm2d bn_stream;
    readonly BatchNorm2d bn_merge;
    readonly DownsamplingBlock block;
    readonly bool channelsLast;

    public FusionBlock(int channels, int outChannels, int stride, ParNetActivation activation, bool channelsLast)
        : base(nameof(FusionBlock))
    {
        this.channelsLast = channelsLast;
        bn_stream = nn.BatchNorm2d(channels);
        bn_merge = nn.BatchNorm2d(channels);
        block = new DownsamplingBlock(2 * channels, outChannels, activation, stride, groups: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor y, Tensor merged)
    {
        using var a = bn_stream.forward(y);
        using var b = bn_merge.forward(merged);
        long half = a.shape[1] / 2;
        using var a0 = a.narrow(1, 0, half);
        using var b0 = b.narrow(1, 0, half);
        using var a1 = a.narrow(1, half, half);
        using var b1 = b.narrow(1, half, half);
        using var group0 = Interleave(a0, b0);
        using var group1 = Interleave(a1, b1);
        using var output0 = block.ForwardGroup(group0, 0);
        using var output1 = block.ForwardGroup(group1, 1);
        return Interleave(output0, output1);
    }

    /// <summary>
    /// (N, C, H, W) x 2 -> (N, 2C, H, W) with channels a0, b0, a1, b1, ...; written on the (N, H, W, C) view, where the
    /// channel dimension is innermost: one copy in channels-last mode (see MemoryFormat), a second one back to NCHW
    /// otherwise.
    /// </summary>
    Tensor Interleave(Tensor a, Tensor b)
    {
        using var aLast = a.permute(0, 2, 3, 1);
        using var bLast = b.permute(0, 2, 3, 1);
        using var stacked = stack([aLast, bLast], dim: 4); // (N, H, W, C, 2)
        using var flat = stacked.flatten(3, 4);
        var view = MemoryFormat.FromChannelsLastView(flat);
        if (channelsLast) return view;
        using (view) return view.contiguous();
    }

    /// <summary>The BN of the current stream's input y (kept when fused).</summary>
    public BatchNorm2d StreamNorm => bn_stream;

    /// <summary>The BN of the merged input (kept when fused).</summary>
    public BatchNorm2d MergeNorm => bn_merge;

    /// <summary>The 2-group downsampling-type block on the interleaved inputs.</summary>
    public DownsamplingBlock Block => block;

    public void Fuse() => block.Fuse();

    public bool IsFused => block.IsFused;

    public (int H, int W) OutputSize(int h, int w) => block.OutputSize(h, w);

    public long Macs(int h, int w) => block.Macs(h, w);
}
