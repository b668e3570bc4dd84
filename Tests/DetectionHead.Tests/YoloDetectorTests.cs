using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Tests;

public sealed class YoloDetectorTests : TorchTest
{
    [Fact]
    public void UnknownModelNamesAreReportedInPlainWords()
    {
        // A checkpoint naming a model this build lacks reaches the user with this message.
        var e = Assert.Throws<ArgumentException>(() => DetectorVariants.Get("parnet-q-yolo"));
        Assert.Contains("parnet-n-yolo", e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
        e = Assert.Throws<ArgumentException>(() => ParNetDetect.Backbone.ParNetVariants.Get("parnet-q"));
        Assert.Contains("parnet-n", e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
    }

    [Fact]
    public void OutputsOneRawTensorPerLevel()
    {
        using var model = YoloDetector.Create("parnet-n-yolo", numClasses: 3);
        model.eval();
        using var x = rand(2, 3, 64, 96, generator: new Generator(1));
        var levels = model.forward(x);
        Assert.Equal([2, 3, 8, 12, 8], levels[0].shape);
        Assert.Equal([2, 3, 4, 6, 8], levels[1].shape);
        Assert.Equal([2, 3, 2, 3, 8], levels[2].shape);
        foreach (var l in levels) l.Dispose();
        using var decoded = model.Predict(x);
        Assert.Equal([2, 3 * (96 + 24 + 6), 8], decoded.shape);
    }

    [Fact]
    public void BiasesStartAtTheObjectAndClassPriors()
    {
        using var model = YoloDetector.Create("parnet-n-yolo", numClasses: 3);
        model.eval();
        using var x = zeros(1, 3, 64, 64);
        using var p = model.Predict(x);
        // With near-zero features the outputs sit near their biases: objectness ~ 8/(640/s)^2, classes ~ 0.6/(nc-0.99).
        float obj = p[0, 0, 4].item<float>();
        float cls = p[0, 0, 5].item<float>();
        Assert.InRange(obj, 1e-4f, 0.05f);
        Assert.InRange(cls, 0.05f, 0.6f);
    }

    [Fact]
    public void FusedAndUnfusedAgreeInEvalMode()
    {
        using var model = YoloDetector.Create("parnet-n-yolo", numClasses: 2);
        RandomizeBatchNorm(model);
        model.eval();
        using var x = rand(1, 3, 64, 64, generator: new Generator(2));
        using var before = model.Predict(x);
        model.Fuse();
        Assert.True(model.IsFused);
        // In the neck only the CSP joins' main-path BNs remain: an activation precedes them, nothing to fold into.
        Assert.All(model.named_modules().Where(m => m.module is BatchNorm2d && !m.name.StartsWith("backbone.")),
            m => Assert.EndsWith("main_bn", m.name));
        using var after = model.Predict(x);
        float maxDiff = (before - after).abs().max().item<float>();
        Assert.True(maxDiff < 1e-3f, $"max |fused - unfused| = {maxDiff}");
        model.Fuse();   // idempotent
        using var again = model.Predict(x);
        Assert.Equal(0f, (again - after).abs().max().item<float>());
    }

    [Theory]
    [InlineData("parnet-n-yolo")]
    [InlineData("parnet-s-yolo")]
    public void TheChannelsLastDetectorMatchesItsFloat64ReferenceFusedAndUnfused(string name)
    {
        // The backbone hands its taps to the neck channels-last, so oneDNN runs the neck in that layout too; float64
        // convolutions do not go through oneDNN, so the same weights in float64 are the reference.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = YoloDetector.Create(name, numClasses: 3);
        RandomizeBatchNorm(model);
        using var reference = YoloDetector.Create(name, numClasses: 3);
        reference.load_state_dict(model.state_dict());
        reference.to(ScalarType.Float64);
        model.eval();
        reference.eval();
        var x = rand(1, 3, 96, 64, generator: new Generator(3));
        var x64 = x.to(ScalarType.Float64);
        for (int pass = 0; pass < 2; pass++)
        {
            var expected = reference.forward(x64);
            var actual = model.forward(x);
            for (int level = 0; level < expected.Length; level++)
            {
                double scale = expected[level].abs().max().item<double>();
                double error = (actual[level].to(ScalarType.Float64) - expected[level]).abs().max().item<double>();
                Assert.True(error <= 1e-4 * Math.Max(1, scale), $"{(pass == 0 ? "unfused" : "fused")} level {level}: max error {error}, scale {scale}");
            }
            model.Fuse();
            reference.Fuse();
        }
    }

    [Fact]
    public void FusingShrinksTheParameterCount()
    {
        using var model = YoloDetector.Create("parnet-n-yolo", numClasses: 80);
        long unfused = model.ParameterCount();
        model.eval();
        model.Fuse();
        Assert.True(model.ParameterCount() < unfused);
    }

    [Fact]
    public void RegistryNamesEveryBackbone()
    {
        Assert.Contains("parnet-n-yolo", DetectorVariants.Names);
        Assert.Contains("parnet-xl-yolo", DetectorVariants.Names);
        var e = Assert.Throws<ArgumentException>(() => YoloDetector.Create("parnet-q-yolo", 1));
        Assert.Contains("parnet-s-yolo", e.Message);
    }

    [Fact]
    public void InputNotAMultipleOf32IsAClearError()
    {
        using var model = YoloDetector.Create("parnet-n-yolo", numClasses: 1);
        using var x = zeros(1, 3, 50, 64);
        var e = Assert.Throws<ArgumentException>(() => model.forward(x));
        Assert.Contains("multiples of 32", e.Message);
    }

    /// <summary>Non-trivial BN statistics and affines, so folding errors show (fresh BNs are the identity).</summary>
    internal static void RandomizeBatchNorm(TorchSharp.torch.nn.Module model)
    {
        using var _ = no_grad();
        foreach (var m in model.modules().OfType<BatchNorm2d>())
        {
            m.running_mean!.copy_(randn_like(m.running_mean) * 0.1);
            m.running_var!.copy_(rand_like(m.running_var) + 0.5);
            m.weight.copy_(rand_like(m.weight) + 0.5);
            m.bias!.copy_(randn_like(m.bias) * 0.1);
        }
    }
}
