namespace ParNetDetect.Training.Tests;

public sealed class ScheduleTests
{
    static readonly TrainOptions Recipe = new() { Data = "unused", Epochs = 10, WarmupEpochs = 2 };

    [Fact]
    public void WarmUpStartsWeightsAtZeroBiasesHighAndMomentumLow()
    {
        var s = new LearningRateSchedule(Recipe, batchesPerEpoch: 100);
        Assert.Equal(200, s.WarmupIterations);
        var (lr, momentum) = s.At(0);
        Assert.Equal(0, lr[ParameterGroups.DecayGroup]);
        Assert.Equal(0, lr[ParameterGroups.NormGroup]);
        Assert.Equal(0.1, lr[ParameterGroups.BiasGroup]);
        Assert.Equal(0.8, momentum);
        var (mid, midMomentum) = s.At(100);
        Assert.Equal(0.5 * 0.01 * s.CosineFactor(1), mid[0], 12);
        Assert.Equal((0.1 + 0.01 * s.CosineFactor(1)) / 2, mid[2], 12);
        Assert.Equal((0.8 + 0.937) / 2, midMomentum, 12);
    }

    [Fact]
    public void CosineDecaysFromLr0ToTheFinalFactor()
    {
        var s = new LearningRateSchedule(Recipe, batchesPerEpoch: 100);
        Assert.Equal(1, s.CosineFactor(0), 12);
        Assert.Equal(0.6, s.CosineFactor(5), 12);   // halfway: (1 + 0.2) / 2
        Assert.Equal(0.2, s.CosineFactor(10), 12);
        var (lr, momentum) = s.At(999);
        Assert.All(lr, v => Assert.Equal(0.01 * s.CosineFactor(9.99), v, 12));
        Assert.Equal(0.937, momentum);
        double previous = double.MaxValue;
        for (long i = 200; i < 1000; i += 50)
        {
            double now = s.At(i).Lr[0];
            Assert.True(now < previous);
            previous = now;
        }
    }

    [Fact]
    public void ShortRunsWarmUpForAtMostAThird()
    {
        var s = new LearningRateSchedule(Recipe with { Epochs = 3, WarmupEpochs = 3 }, batchesPerEpoch: 10);
        Assert.Equal(10, s.WarmupIterations);
        Assert.Equal(0, new LearningRateSchedule(Recipe with { WarmupEpochs = 0 }, 10).WarmupIterations);
    }

    [Theory]
    [InlineData(16, 4, 5e-4)]
    [InlineData(64, 1, 5e-4)]
    [InlineData(48, 1, 5e-4 * 48 / 64)]
    [InlineData(100, 1, 5e-4 * 100 / 64)]
    public void AccumulationReachesTheNominalBatchAndDecayFollowsIt(int batch, int accumulate, double decay)
    {
        var o = Recipe with { BatchSize = batch };
        Assert.Equal(accumulate, o.AccumulationSteps);
        Assert.Equal(decay, o.EffectiveWeightDecay, 12);
    }

    [Fact]
    public void BadSettingsAreNamedAsTheCommandLineSpellsThem()
    {
        var e = Assert.Throws<InvalidOptionException>(() => (Recipe with { ImageSize = 100 }).Validate());
        Assert.Contains("--img", e.Message);
        e = Assert.Throws<InvalidOptionException>(() => (Recipe with { Model = "parnet-q-yolo" }).Validate());
        Assert.Contains("--model", e.Message);
        Assert.Contains("parnet-n-yolo", e.Message);   // the known ones
    }
}
