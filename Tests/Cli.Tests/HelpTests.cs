using CocoEval.Cli;

namespace ParNetDetect.Cli.Tests;

/// <summary>Every verb of both commands explains itself: `--help` exits 0 and shows its usage, options and notes.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("info", "--json")]
    [InlineData("synth", "--video")]
    [InlineData("data", "check")]
    [InlineData("data check", "--no-decode")]
    [InlineData("data preview", "--no-mosaic")]
    [InlineData("serve", "--config")]
    [InlineData("train", "--nominal-batch")]
    [InlineData("val", "--merge")]
    [InlineData("predict", "--source")]
    public void EveryVerbHasHelp(string verb, string mentioned)
    {
        var result = DetectProcess.Run([.. verb.Split(' '), "--help"]);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"detect {verb}", result.Out);
        Assert.Contains("Usage:", result.Out);
        Assert.Contains(mentioned, result.Out);
        Assert.Equal("", result.Err);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public void TheCommandListsEveryVerb(string help)
    {
        var result = DetectProcess.Run(help);
        Assert.True(result.Code == 0, result.ToString());
        foreach (string verb in new[] { "info", "synth", "data", "serve", "train", "val", "predict" })
            Assert.Contains(verb, result.Out);
    }

    [Fact]
    public void CocoEvalHasHelp()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(CocoEvalCommand.Ok, CocoEvalCommand.Run(["--help"], stdout, stderr));
        Assert.Contains("GT.json", stdout.ToString());
        Assert.Contains("--per-class", stdout.ToString());
        Assert.Contains("exit codes", stdout.ToString());
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public void CompletionSuggestsOptions()
    {
        var result = DetectProcess.Run("[suggest:10]", "train --ep");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("--epochs", result.Out);
    }
}
