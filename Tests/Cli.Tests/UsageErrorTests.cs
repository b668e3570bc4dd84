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
    public void A_bad_model_or_image_size_is_a_usage_error(string verb, string option, string value)
    {
        string[] args = verb switch
        {
            "train" => ["train", "--data", _data.Data, "--out", _data.Path("run"), option, value],
            "val" => ["val", "--data", _data.Data, "--weights", "demo", option, value],
            _ => [verb, option, value],
        };
        var result = DetectProcess.Run(args);
        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains($"usage: detect {verb}", result.Err);
        Assert.Contains(option, result.Err);
        Assert.Contains(value, result.Err);
        Assert.DoesNotContain("(Parameter", result.Err);
        Assert.False(Directory.Exists(_data.Path("run")));   // refused before anything was written
    }
}
