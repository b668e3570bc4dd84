using ParNetDetect.Platform;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

public class ParNetStructureTests
{
    public ParNetStructureTests() => TorchRuntime.Initialize();

    [Fact]
    public void UnknownVariantListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => ParNet.Create("parnet-q"));
        Assert.Contains("parnet-q", e.Message);
        foreach (var name in ParNet.VariantNames) Assert.Contains(name, e.Message);
    }

    // The official topology's counts with the ImageNet classifier (issue 2), unfused and fused.
    [Theory]
    [InlineData("parnet-s", 20.93, 19.14)]
    [InlineData("parnet-s96", 20.98, 19.18)]
    [InlineData("parnet-m", 38.95, 35.59)]
    [InlineData("parnet-l", 60.18, 54.93)]
    [InlineData("parnet-xl", 93.18, 84.98)]
    public void ParameterCountsMatchTheOfficialTopology(string name, double unfusedMillions, double fusedMillions)
    {
        using var model = ParNet.Create(name, ParNetOptions.ImageNet);
        AssertWithinHalfPercent(unfusedMillions, model.TrainableParameterCount() / 1e6);
        model.Fuse();
        AssertWithinHalfPercent(fusedMillions, model.TrainableParameterCount() / 1e6);
    }

    static void AssertWithinHalfPercent(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 0.005 * expected, $"expected {expected}M, got {actual:F3}M");

    [Theory]
    [InlineData(64, 64)]
    [InlineData(65, 97)]
    [InlineData(33, 40)]
    public void TapShapesFollowCeilDivision(int h, int w)
    {
        using var scope = NewDisposeScope();
        using var model = ParNet.Create("parnet-n");
        model.eval();
        using var _ = no_grad();
        using var features = model.ForwardFeatures(randn(1, 3, h, w, generator: new Generator(1)));
        var expected = model.FeatureShapes(h, w);
        Assert.Equal([1, .. expected.P3], features.P3.shape);
        Assert.Equal([1, .. expected.P4], features.P4.shape);
        Assert.Equal([1, .. expected.P5], features.P5.shape);
        Assert.Equal(model.FeatureChannels.P5, features.P5.shape[1]);
    }

    [Fact]
    public void ForwardReturnsLogitsWithAClassifierAndP5Without()
    {
        using var scope = NewDisposeScope();
        using var backbone = ParNet.Create("parnet-n");
        using var classifier = ParNet.Create("parnet-n", new ParNetOptions { NumClasses = 10, Dropout = 0.1 });
        var x = randn(2, 3, 64, 64, generator: new Generator(1));
        Assert.Equal(new long[] { 2, 256, 2, 2 }, backbone.forward(x).shape);
        Assert.Equal(new long[] { 2, 10 }, classifier.forward(x).shape);
    }
}
