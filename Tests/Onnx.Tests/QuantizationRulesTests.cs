using ParNetDetect.Onnx.Quantization;

namespace ParNetDetect.Onnx.Tests;

/// <summary>The arithmetic of each QDQ rule, and the calibration statistics, on numbers worked by hand.</summary>
public sealed class QuantizationRulesTests
{
    [Fact]
    public void ActivationRangeIsWidenedToHoldZero()
    {
        var q = QuantizationRules.Activation(-1, 3);
        Assert.Equal(4f / 255, q.Scale);
        Assert.Equal(64, q.ZeroPoint);                         // 1 / (4/255) = 63.75
        var positive = QuantizationRules.Activation(0.5f, 2);   // [0.5, 2] -> [0, 2]
        Assert.Equal(2f / 255, positive.Scale);
        Assert.Equal(0, positive.ZeroPoint);
        var negative = QuantizationRules.Activation(-2, -1);    // [-2, -1] -> [-2, 0]
        Assert.Equal(255, negative.ZeroPoint);
        Assert.Equal(new ActivationQuantization(1, 0), QuantizationRules.Activation(0, 0));
    }

    [Fact]
    public void WeightsAreSymmetricPerChannel()
    {
        float[] w = [0.5f, -1.27f, 0.01f, /* channel 1 */ 2f, 1f, -0.5f, /* channel 2 */ 0, 0, 0];
        var (values, scales) = QuantizationRules.Weights(w, outChannels: 3);
        Assert.Equal([0.01f, 2f / 127, 1f], scales);
        Assert.Equal(new sbyte[] { 50, -127, 1, 127, 64, -32, 0, 0, 0 }, values);  // 63.5 -> 64, -31.75 -> -32
    }

    [Fact]
    public void BiasScaleIsInputTimesWeightScale()
    {
        var (values, scales) = QuantizationRules.Bias([1f, -0.3f], inputScale: 0.5f, weightScales: [0.1f, 0.01f]);
        Assert.Equal([0.05f, 0.005f], scales);
        Assert.Equal([20, -60], values);
    }

    [Fact]
    public void MinMaxIsExactAndPercentileCutsOutliers()
    {
        var stats = new ActivationStatistics();
        var values = Enumerable.Range(0, 100_000).Select(i => (i % 1000) / 1000f).ToArray();   // uniform in [0, 1)
        stats.Add(values);
        stats.Add([-50f, 80f]);                                                                 // two outliers widen the histogram
        Assert.Equal((-50f, 80f), stats.Range(CalibrationMethod.MinMax, 100));
        var (lo, hi) = stats.Range(CalibrationMethod.Percentile, 99.9);
        Assert.InRange(lo, -0.1f, 0.05f);
        Assert.InRange(hi, 0.95f, 1.1f);
        Assert.Equal((-50f, 80f), stats.Range(CalibrationMethod.Percentile, 100));
    }

    [Fact]
    public void EntropyKeepsTheBulkAndClipsRareOutliers()
    {
        var stats = new ActivationStatistics();
        var generator = new Random(5);
        // A bell of values about 0 (sd 1) and a few far outliers.
        var values = Enumerable.Range(0, 200_000).Select(_ =>
            (float)(Math.Sqrt(-2 * Math.Log(1 - generator.NextDouble())) * Math.Cos(2 * Math.PI * generator.NextDouble()))).ToArray();
        stats.Add(values);
        stats.Add([-60f, 60f]);
        var (lo, hi) = stats.Range(CalibrationMethod.Entropy, 0);
        Assert.Equal(-lo, hi, 1e-5f);                  // symmetric about 0
        Assert.InRange(hi, 2.5f, 20f);                 // beyond the bulk (|x| < 2.5 holds 98.8%), far inside the outliers
    }
}
