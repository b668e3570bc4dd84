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

    public FusionBlock(int channels, int outChannels, int stride, ParNetActivation activation) : base(nameof(FusionBlock))
    {
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

    /// <summary>(N, C, H, W) x 2 -> (N, 2C, H, W) with channels a0, b0, a1, b1, ...</summary>
    static Tensor Interleave(Tensor a, Tensor b)
    {
        using var stacked = stack([a, b], dim: 2);
        return stacked.flatten(1, 2);
    }

    /// <summary>(N, C, H, W) -> (N, C, H, W), channel g*C/groups + i moved to i*groups + g.</summary>
    static Tensor ChannelShuffle(Tensor x, int groups)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        using var split = x.view(n, groups, c / groups, h, w);
        using var swapped = split.transpose(1, 2);
        return swapped.reshape(n, c, h, w);
    }

    public void Fuse() => block.Fuse();

    public bool IsFused => block.IsFused;

    public (int H, int W) OutputSize(int h, int w) => block.OutputSize(h, w);

    public long Macs(int h, int w) => block.Macs(h, w);
}
