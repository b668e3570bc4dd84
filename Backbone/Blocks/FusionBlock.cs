using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// Fusion block: merges the current stream y with the running merge of the shallower streams. Each input gets its own
/// BN, the two are interleaved by channel (y0, m0, y1, m1, ...), a downsampling-type block with groups = 2 maps
/// 2C -> Cout, and the output channels are shuffled with 2 groups. The input BNs stay when fused: they precede a
/// zero-padded conv, so folding them into it would be wrong at the borders.
/// y, merged: (N, C, H, W) -> (N, Cout, ceil(H/s), ceil(W/s)).
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
        using var interleaved = Interleave(a, b);
        using var output = block.forward(interleaved);
        return ChannelShuffle(output, 2);
    }

    // Both reorderings are written on the (N, H, W, C) view, where the channel dimension is innermost: one copy each
    // in channels-last mode (see MemoryFormat), a second one back to NCHW otherwise.

    Tensor ToLayout(Tensor nhwc)
    {
        var view = MemoryFormat.FromChannelsLastView(nhwc);
        if (channelsLast) return view;
        using (view) return view.contiguous();
    }

    /// <summary>(N, C, H, W) x 2 -> (N, 2C, H, W) with channels a0, b0, a1, b1, ...</summary>
    Tensor Interleave(Tensor a, Tensor b)
    {
        using var aLast = a.permute(0, 2, 3, 1);
        using var bLast = b.permute(0, 2, 3, 1);
        using var stacked = stack([aLast, bLast], dim: 4); // (N, H, W, C, 2)
        using var flat = stacked.flatten(3, 4);
        return ToLayout(flat);
    }

    /// <summary>(N, C, H, W) -> (N, C, H, W), channel g*C/groups + i moved to i*groups + g.</summary>
    Tensor ChannelShuffle(Tensor x, int groups)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        using var last = x.permute(0, 2, 3, 1);
        using var split = last.reshape(n, h, w, groups, c / groups);
        using var swapped = split.transpose(3, 4);
        using var flat = swapped.reshape(n, h, w, c);
        return ToLayout(flat);
    }

    public void Fuse() => block.Fuse();

    public bool IsFused => block.IsFused;

    public (int H, int W) OutputSize(int h, int w) => block.OutputSize(h, w);

    public long Macs(int h, int w) => block.Macs(h, w);
}
