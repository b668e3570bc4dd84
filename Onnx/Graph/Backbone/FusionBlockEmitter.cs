using ParNetDetect.Backbone;
using ParNetDetect.Backbone.Blocks;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Graph.Backbone;

/// <summary>
/// A fused fusion block as the official network computes it: interleave the two inputs by channel (y0, m0, y1, m1,
/// ...), apply both input BNs as one BatchNormalization over the interleaved channels, run the block as one grouped
/// Conv (group = 2), and shuffle the output channels of the two groups. One grouped Conv rather than two dense ones
/// on channel slices: ONNX Runtime's NCHWc layout runs a 2-group conv whose per-group widths are multiples of its
/// block size (8 or 16 channels) directly, where slices would add copies (docs/onnx.md).
/// The interleave is Unsqueeze + Concat + Reshape and the shuffle Reshape + Transpose + Reshape: one copy each.
/// y, merged: (N, C, H, W) -> (N, Cout, ceil(H/s), ceil(W/s)).
/// </summary>
public static class FusionBlockEmitter
{
    /// <param name="size">The inputs' spatial size in a fixed-size graph; null in a dynamic one.</param>
    public static string Emit(GraphBuilder g, FusionBlock block, string y, string merged, Spatial? size, string scope)
    {
        long c = block.StreamNorm.num_features;
        var pairs = g.Concat($"{scope}.pairs", 2,
            g.Unsqueeze($"{scope}.stream_axis", y, 2), g.Unsqueeze($"{scope}.merge_axis", merged, 2));   // (N, C, 2, H, W)
        var interleavedShape = size is { } s
            ? g.Int64s($"{scope}.interleave.shape", 0, 2 * c, s.Height, s.Width)
            : g.Mul($"{scope}.interleave.shape", g.Shape($"{scope}.input_shape", y), g.Int64s($"{scope}.channel_double", 1, 2, 1, 1));
        var interleaved = g.Reshape($"{scope}.interleave", pairs, interleavedShape);

        string normed;
        using (NewDisposeScope())
        {
            var (ys, yt) = Reparameterization.BatchNormAffine(block.StreamNorm);
            var (ms, mt) = Reparameterization.BatchNormAffine(block.MergeNorm);
            var scale = stack([ys, ms], 1).flatten();
            var shift = stack([yt, mt], 1).flatten();
            // mean 0, variance 1, epsilon 0: the BN is exactly the affine x * scale + shift.
            normed = g.BatchNorm($"{scope}.norm", interleaved, scale, shift, zeros(2 * c), ones(2 * c), 0);
        }

        var output = DownsamplingBlockEmitter.Emit(g, block.Block, normed, $"{scope}.block");
        long cout = block.Block.FusedConv.weight.shape[0];
        var groups = g.Reshape($"{scope}.shuffle.groups", output, g.Int64s($"{scope}.shuffle.groups.shape", 0, 2, cout / 2, -1));
        var swapped = g.Transpose($"{scope}.shuffle.swap", groups, 0, 2, 1, 3);
        var outputShape = size?.Strided(block.Block.Stride) is { } o
            ? g.Int64s($"{scope}.shuffle.shape", 0, cout, o.Height, o.Width)
            : g.Shape($"{scope}.output_shape", output);
        return g.Reshape($"{scope}.shuffle", swapped, outputShape);
    }
}
