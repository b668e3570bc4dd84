using ParNetDetect.DetectionHead;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Training.Tests;

public sealed class ParameterGroupsAndEmaTests : TorchTest
{
    [Fact]
    public void BatchNormWeightsAndBiasesGetNoWeightDecay()
    {
        using var model = YoloDetector.Create("parnet-n-yolo", 3);
        var groups = ParameterGroups.Of(model);
        Assert.Equal(model.parameters().Count(), groups.Count);
        var bnWeights = model.modules().OfType<BatchNorm2d>().Select(b => b.weight.Handle).ToHashSet();
        Assert.All(groups.NormWeights, p => Assert.Contains(p.Handle, bnWeights));
        Assert.Equal(bnWeights.Count, groups.NormWeights.Count);
        Assert.All(groups.Decay, p => Assert.True(p.dim() > 1, "only conv/linear weights are decayed"));
        Assert.All(groups.Biases, p => Assert.Equal(1, p.dim()));
    }

    [Fact]
    public void EmaFollowsWithTheRampedDecay()
    {
        using var model = nn.Linear(2, 1);
        using var shadow = nn.Linear(2, 1);
        var ema = new ModelEma(shadow);
        ema.CopyFrom(model);
        float before = shadow.weight[0, 0].item<float>();
        using (no_grad()) model.weight.add_(1.0);
        ema.Update(model);
        double d = 0.9999 * (1 - Math.Exp(-1 / 2000.0));
        Assert.Equal(1, ema.Updates);
        Assert.Equal(before + (1 - d), shadow.weight[0, 0].item<float>(), 5);
    }
}
