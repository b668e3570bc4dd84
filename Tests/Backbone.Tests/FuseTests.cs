using ParNetDetect.Platform;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

/// <summary>Fused (one 3x3 conv + bias + gate per block) and unfused models agree in eval mode.</summary>
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
    public void FusedMatchesUnfused(string name, int h, int w, int batch)
    {
        using var scope = NewDisposeScope();
        using var model = ParNet.Create(name, new ParNetOptions { NumClasses = 10 });
        ModelRandomization.RandomizeBatchNorms(model, seed: 1);
        model.eval();
        using var _ = no_grad();
        var x = randn(batch, 3, h, w, generator: new Generator(2));

        var before = model.ForwardFeatures(x);
        var logitsBefore = model.forward(x);
        model.Fuse();
        var after = model.ForwardFeatures(x);
        var logitsAfter = model.forward(x);

        AssertClose(before.P3, after.P3);
        AssertClose(before.P4, after.P4);
        AssertClose(before.P5, after.P5);
        AssertClose(logitsBefore, logitsAfter);
    }

    [Fact]
    public void ImagesInABatchAreComputedAsAlone()
    {
        // The gates are per image: nothing may leak across the batch.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = ParNet.Create("parnet-n");
        ModelRandomization.RandomizeBatchNorms(model, seed: 6);
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

    [Fact]
    public void ChannelsFirstAndChannelsLastLayoutsAgree()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var last = ParNet.Create("parnet-n");
        using var first = ParNet.Create("parnet-n", new ParNetOptions { ChannelsLast = false });
        ModelRandomization.RandomizeBatchNorms(last, seed: 5);
        first.load_state_dict(last.state_dict());
        last.eval();
        first.eval();
        var x = randn(1, 3, 72, 40);
        var a = last.ForwardFeatures(x);
        var b = first.ForwardFeatures(x);
        AssertClose(b.P3, a.P3);
        AssertClose(b.P4, a.P4);
        AssertClose(b.P5, a.P5);
        Assert.True(a.P3.is_contiguous() && a.P4.is_contiguous() && a.P5.is_contiguous());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradientModeComputesTheSameAsInferenceAndBackpropagates(bool fused)
    {
        // Inference runs the elementwise steps in place; with gradients on they must not (autograd needs inputs).
        using var scope = NewDisposeScope();
        using var model = ParNet.Create("parnet-n", new ParNetOptions { NumClasses = 3 });
        ModelRandomization.RandomizeBatchNorms(model, seed: 3);
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

    static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= 1e-4 * Math.Max(1.0, scale), $"max |fused - unfused| = {diff:G3} (output scale {scale:G3})");
    }
}
