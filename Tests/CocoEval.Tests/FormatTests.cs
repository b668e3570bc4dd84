using CocoEval.Evaluation;

namespace CocoEval.Tests;

public class FormatTests
{
    [Theory]
    [InlineData(0.5625, "0.562")] // exact tie: Python rounds half to even
    [InlineData(0.1875, "0.188")]
    [InlineData(0.0625, "0.062")]
    [InlineData(0.12345, "0.123")]
    [InlineData(0.9999999999999998, "1.000")]
    [InlineData(-1.0, "-1.000")]
    [InlineData(0.0, "0.000")]
    [InlineData(0.8999999999999999, "0.900")]
    public void FixedMatchesPythonFormat(double value, string expected) =>
        Assert.Equal(expected, PythonFormat.Fixed(value, 3));

    [Fact]
    public void TwoDecimalsOfThresholds() =>
        Assert.Equal("0.95", PythonFormat.Fixed(CocoEvalParams.IouThresholds[^1], 2));

    [Fact]
    public void MeanMatchesNumpyBlockwisePairwiseSum()
    {
        // numpy 1.24: a = (np.arange(20000) * 0.1) % 1 / 3; repr(a.mean()) and repr(a[:100].mean())
        var a = Enumerable.Range(0, 20000).Select(i => i * 0.1 % 1 / 3).ToArray();
        Assert.Equal(NumpyExpected.Mean20000, NumpyMath.Mean(a));
        Assert.Equal(NumpyExpected.Mean100, NumpyMath.Mean(a.AsSpan(0, 100)));
    }
}

/// <summary>Values printed by numpy 1.24.2 for the array in <see cref="FormatTests.MeanMatchesNumpyBlockwisePairwiseSum"/>.</summary>
internal static class NumpyExpected
{
    public const double Mean20000 = 0.1500000000000179;
    public const double Mean100 = 0.15000000000000013;
}
