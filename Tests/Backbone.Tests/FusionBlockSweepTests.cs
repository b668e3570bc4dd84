using ParNetDetect.Backbone.Blocks;
using ParNetDetect.Platform;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

/// <summary>
/// The fusion blocks are ParNet's only grouped convolutions, the shapes where libtorch 2.10 computed wrong outputs
/// on AVX-512 and AVX2 CPUs (channels-last, e.g. 800 -> 800 and 1600 -> 800 channels). Every variant's two fusion
/// blocks, at the map sizes real images give them, fused and unfused, channels-last and NCHW, against a float64
/// reference written out from the definition (interleave, grouped conv, BN, gate, shuffle).
/// </summary>
public class FusionBlockSweepTests
{
    public FusionBlockSweepTests() => TorchRuntime.Initialize();

    static readonly int[] MapSizes = [1, 2, 3, 4, 5, 8, 10, 20, 40];

    /// <summary>(variant, fusion block, input map size) for every distinct fusion shape of the registry.</summary>
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var variant in ParNetVariants.Variants.DistinctBy(v => (v.P2, v.P3)))
            foreach (int fusion in new[] { 0, 1 })
                foreach (int size in MapSizes)
                    data.Add(variant.Name, fusion, size);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusionBlockMatchesTheGroupedDefinitionInFloat64(string variantName, int fusion, int size)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var v = ParNetVariants.Get(variantName);
        var (channels, outChannels, stride) = fusion == 0 ? (v.P2, v.P3, 2) : (v.P3, v.P3, 1);
        using var last = new FusionBlock(channels, outChannels, stride, ParNetActivation.SiLU, channelsLast: true);
        ModelRandomization.Randomize(last, seed: 11 + fusion);
        using var first = new FusionBlock(channels, outChannels, stride, ParNetActivation.SiLU, channelsLast: false);
        first.load_state_dict(last.state_dict());
        last.eval();
        first.eval();
        var generator = new Generator(3);
        var y = randn(1, channels, size, size, generator: generator);
        var merged = randn(1, channels, size, size, generator: generator);
        using var yLast = ChannelsLast(y);
        using var mergedLast = ChannelsLast(merged);

        for (int pass = 0; pass < 2; pass++)
        {
            var expected = GroupedReference(last.state_dict(), y, merged, stride);
            string what = pass == 0 ? "unfused" : "fused";
            FuseTests.AssertClose(expected, last.forward(yLast, mergedLast), $"{what} channels-last");
            FuseTests.AssertClose(expected, first.forward(y, merged), $"{what} NCHW");
            last.Fuse();
            first.Fuse();
        }
    }

    /// <summary>The same values with channels-last memory, the layout the model hands its fusion blocks.</summary>
    static Tensor ChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>The fusion block as its definition reads, in float64 NCHW with libtorch's grouped conv.</summary>
    static Tensor GroupedReference(Dictionary<string, Tensor> state, Tensor y, Tensor merged, int stride)
    {
        Tensor P(string key) => state[key].to(ScalarType.Float64);
        Tensor Bn(Tensor x, string prefix) =>
            (x - P(prefix + ".running_mean").view(1, -1, 1, 1)) / (P(prefix + ".running_var").view(1, -1, 1, 1) + 1e-5).sqrt()
            * P(prefix + ".weight").view(1, -1, 1, 1) + P(prefix + ".bias").view(1, -1, 1, 1);
        Tensor Conv(Tensor x, string key, Tensor? bias, int s, int padding) =>
            nn.functional.conv2d(x, P(key), bias, strides: [s, s], padding: [padding, padding], groups: 2);

        var a = Bn(y.to(ScalarType.Float64), "bn_stream");
        var b = Bn(merged.to(ScalarType.Float64), "bn_merge");
        var x = stack([a, b], dim: 2).flatten(1, 2); // channels a0, b0, a1, b1, ...
        Tensor branches;
        if (state.ContainsKey("block.reparam.weight"))
            branches = Conv(x, "block.reparam.weight", P("block.reparam.bias"), stride, 1);
        else
        {
            var pooled = stride == 2 ? Reparameterization.AveragePool2x2(x) : x;
            branches = Bn(Conv(x, "block.conv3x3.conv.weight", null, stride, 1), "block.conv3x3.bn")
                + Bn(Conv(pooled, "block.conv1x1.conv.weight", null, 1, 0), "block.conv1x1.bn");
        }
        var gate = Conv(nn.functional.adaptive_avg_pool2d(x, [1, 1]), "block.gate.weight", null, 1, 0).sigmoid() * 2;
        var output = nn.functional.silu(branches * gate);
        var (n, c, h, w) = (output.shape[0], output.shape[1], output.shape[2], output.shape[3]);
        return output.view(n, 2, c / 2, h, w).transpose(1, 2).reshape(n, c, h, w); // channel shuffle, 2 groups
    }
}
