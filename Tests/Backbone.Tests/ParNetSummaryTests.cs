using ParNetDetect.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

/// <summary>ParNetSummary switches the process-wide default device to meta, so nothing may run beside it.</summary>
[CollectionDefinition(nameof(DefaultDeviceSwitching), DisableParallelization = true)]
public sealed class DefaultDeviceSwitching;

[Collection(nameof(DefaultDeviceSwitching))]
public class ParNetSummaryTests
{
    public ParNetSummaryTests() => TorchRuntime.Initialize();

    [Fact]
    public void MetaDeviceCountsEqualARealModelsAndTheDeviceIsRestored()
    {
        var summary = ParNetSummary.Of("parnet-n", 96);
        Assert.Equal(DeviceType.CPU, get_default_device().type);

        using var scope = NewDisposeScope();
        using var model = ParNet.Create("parnet-n", ParNetOptions.ImageNet);
        Assert.Equal(model.TrainableParameterCount(), summary.Params);
        Assert.Equal(model.BackboneParameterCount(), summary.BackboneParams);
        Assert.Equal(model.Macs(96, 96, includeClassifier: false), summary.Macs);
        model.Fuse();
        Assert.Equal(model.TrainableParameterCount(), summary.ParamsFused);
        Assert.Equal(model.Macs(96, 96, includeClassifier: false), summary.MacsFused);
        Assert.Equal(new long[] { 256, 3, 3 }, summary.P5Shape);
    }

    [Fact]
    public void MacsAt224MatchThePaperTable()
    {
        // Fused GMACs at 224 from the official topology: S 4.7, M 8.6, L 13.3, XL 20.7.
        foreach (var (name, gmacs) in new[] { ("parnet-s", 4.7), ("parnet-m", 8.6), ("parnet-l", 13.3), ("parnet-xl", 20.7) })
            Assert.Equal(gmacs, ParNetSummary.Of(name, 224).MacsFused / 1e9, 1);
    }
}
