namespace ParNetDetect.Cli.Tests;

/// <summary>A wrong command line is exit 2 with the verb's usage and a plain message, never .NET's "(Parameter 'x')".</summary>
public sealed class UsageErrorTests : IDisposable
{
    readonly SynthData _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("train", "--model", "parnet-q-yolo")]
    [InlineData("train", "--img", "161")]
    [InlineData("val", "--img", "161")]
    [InlineData("info", "--model", "parnet-q")]
    public void ABadModelOrImageSizeIsAUsageError(string verb, string option, string value)
    {
        string[] args = verb switch
        {
            "train" => ["train", "--data", _data.Data, "--out", _data.Path("run"), option, value],
            "val" => ["val", "--data", _data.Data, "--weights", "demo", option, value],
            _ => [verb, option, value],
        };
        var result = DetectProcess.Run(args);
        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("Usage:", result.Err);
        Assert.Contains($"detect {verb} [options]", result.Err);
        Assert.Contains(option, result.Err);
        Assert.Contains(value, result.Err);
        Assert.DoesNotContain("(Parameter", result.Err);
        Assert.False(Directory.Exists(_data.Path("run")));   // refused before anything was written
    }

    [Theory]
    [InlineData("train", "--epochs", "0", "--epochs must be a whole number in [1, 100000] (got '0').")]
    [InlineData("val", "--conf", "x", "--conf must be a number in [0, 1] (got 'x').")]
    [InlineData("predict", "--frames", "-1", "--frames must be a whole number in [0, 2147483647] (got '-1').")]
    [InlineData("predict", "--conf", "1.5", "--conf must be a number in [0, 1] (got '1.5').")]
    public void AnOutOfRangeValueNamesTheOptionAndItsRange(string verb, string option, string value, string message)
    {
        var result = DetectProcess.Run(verb, option, value);
        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains(message, result.Err);
        Assert.Contains($"detect {verb} [options]", result.Err);
    }

    [Theory]
    [InlineData("trian", "train")]
    [InlineData("train --epoch 3", "--epochs")]
    public void ATypoIsAUsageErrorThatSuggestsTheRightName(string typed, string suggested)
    {
        var result = DetectProcess.Run(typed.Split(' '));
        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("Did you mean", result.Err);
        Assert.Contains(suggested, result.Err);
    }

    [Fact]
    public void NoVerbIsAUsageErrorListingTheVerbs()
    {
        var result = DetectProcess.Run();
        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("predict", result.Err);
        Assert.Contains("serve", result.Err);
    }

    [Fact]
    public void ResumeRefusesSettingsItWouldIgnore()
    {
        var result = DetectProcess.Run("train", "--resume", _data.Path("run"), "--epochs", "5");
        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("--epochs", result.Err);
    }
}
