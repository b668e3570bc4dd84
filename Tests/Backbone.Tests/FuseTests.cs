using ParNetDetect.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

/// <summary>
/// Every variant, fused and unfused, in the channels-last layout the model runs in and in NCHW, against the same
/// model computed in float64 (NCHW). libtorch's float32 kernels differ per CPU path (oneDNN picks them by ISA, e.g.
/// AVX-512 or AVX2), so this is what catches a wrong kernel on the machine the suite runs on.
/// </summary>
public class FuseTests
{
    public FuseTests() => TorchRuntime.Initialize();

    // Small variants at several sizes, odd and not divisible by 32 included; the wide ones at one small size
    // (their blocks are the same code, only wider) to keep the suite fast.
    [Theory]
    [InlineData("parnet-n", 64, 64, 2)]
    [InlineData("parnet-n", 97, 75, 1)]
    [InlineData("parnet-n", 31, 33, 1)]
    [InlineData("parnet-t", 96, 80, 1)]
    [InlineData("parnet-t", 57, 71, 1)]
    [InlineData("parnet-s", 64, 64, 1)]
    [InlineData("parnet-s", 45, 45, 1)]
    [InlineData("parnet-s96", 64, 64, 1)]
    [InlineData("parnet-m", 64, 64, 1)]
    [InlineData("parnet-l", 64, 64, 1)]
    [InlineData("parnet-xl", 64, 64, 1)]
    public void EveryLayoutFusedOrNotMatchesTheFloat64Reference(string name, int h, int w, int batch)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var channelsLast = ParNet.Create(name, new ParNetOptions { NumClasses = 10 });
        ModelRandomization.Randomize(channelsLast, seed: 1);
        using var channelsFirst = ParNet.Create(name, new ParNetOptions { NumClasses = 10, ChannelsLast = false });
        channelsFirst.load_state_dict(channelsLast.state_dict());
        using var reference = ParNet.Create(name, new ParNetOptions { NumClasses = 10, ChannelsLast = false });
        reference.load_state_dict(channelsLast.state_dict());
        reference.to(ScalarType.Float64);
        ParNet[] models = [channelsLast, channelsFirst, reference];
        foreach (var model in models) model.eval();
        var x = randn(batch, 3, h, w, generator: new Generator(2));
        using var x64 = x.to(ScalarType.Float64);

        var expected = Outputs(reference, x64);
        AssertAllClose(expected, Outputs(channelsLast, x), "unfused channels-last");
        AssertAllClose(expected, Outputs(channelsFirst, x), "unfused NCHW");

        foreach (var model in models) model.Fuse();
        var expectedFused = Outputs(reference, x64);
        AssertAllClose(expected, expectedFused, "float64 fused vs unfused", tolerance: 1e-9);
        AssertAllClose(expectedFused, Outputs(channelsLast, x), "fused channels-last");
        AssertAllClose(expectedFused, Outputs(channelsFirst, x), "fused NCHW");
        // The taps keep the backbone's layout, so the neck after it convolves them without reordering.
        Assert.True(channelsLast.ForwardFeatures(x).P4.permute(0, 2, 3, 1).is_contiguous());
        Assert.True(channelsFirst.ForwardFeatures(x).P4.is_contiguous());
    }

    static Tensor[] Outputs(ParNet model, Tensor x)
    {
        var features = model.ForwardFeatures(x);
        return [features.P3, features.P4, features.P5, model.forward(x)];
    }

    static void AssertAllClose(Tensor[] expected, Tensor[] actual, string what, double tolerance = 1e-4)
    {
        string[] names = ["P3", "P4", "P5", "logits"];
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], $"{what}, {names[i]}", tolerance);
    }

    [Fact]
    public void ImagesInABatchAreComputedAsAlone()
    {
        // The gates are per image: nothing may leak across the batch.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = ParNet.Create("parnet-n");
        ModelRandomization.Randomize(model, seed: 6);
        model.eval();
        model.Fuse();
        var a = randn(1, 3, 160, 128, generator: new Generator(7));
        var b = randn(1, 3, 160, 128, generator: new Generator(8));
        var batched = model.ForwardFeatures(cat([a, b], 0));
        var single = model.ForwardFeatures(a);
        AssertClose(batched.P3[0], single.P3[0]);
        AssertClose(batched.P4[0], single.P4[0]);
        AssertClose(batched.P5[0], single.P5[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradientModeComputesTheSameAsInferenceAndBackpropagates(bool fused)
    {
        // Inference runs the elementwise steps in place; with gradients on they must not (autograd needs inputs).
        using var scope = NewDisposeScope();
        using var model = ParNet.Create("parnet-n", new ParNetOptions { NumClasses = 3 });
        ModelRandomization.Randomize(model, seed: 3);
        if (fused) model.Fuse();
        model.eval();
        var x = randn(2, 3, 48, 48, generator: new Generator(4));
        Tensor expected;
        using (inference_mode()) expected = model.forward(x);

        var logits = model.forward(x);
        AssertClose(expected, logits.detach());
        logits.sum().backward();
        Assert.All(model.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
    }

    [Fact]
    public void FuseIsIdempotentAndRemovesTheBranches()
    {
        using var scope = NewDisposeScope();
        using var model = ParNet.Create("parnet-n");
        model.Fuse();
        var names = model.state_dict().Keys.ToList();
        model.Fuse();
        Assert.True(model.IsFused);
        Assert.Equal(names, model.state_dict().Keys.ToList());
        Assert.DoesNotContain(names, n => n.Contains("conv1x1") || n.Contains("conv3x3") || n.Contains(".sse.bn."));
        Assert.Contains("stem.0.reparam.weight", names);
        Assert.Contains("streams.0.0.sse.scale", names);
        Assert.Contains("fusion.0.bn_stream.weight", names);
    }

    /// <summary>Max |expected - actual| within tolerance x the output scale (at least 1), compared in float64.</summary>
    internal static void AssertClose(Tensor expected, Tensor actual, string what = "", double tolerance = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.to(ScalarType.Float64);
        using var a = actual.to(ScalarType.Float64);
        double scale = e.abs().max().item<double>();
        double diff = (e - a).abs().max().item<double>();
        Assert.True(diff <= tolerance * Math.Max(1.0, scale), $"{what}: max |expected - actual| = {diff:G3} (output scale {scale:G3})");
    }
}
