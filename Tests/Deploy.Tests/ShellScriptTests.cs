namespace ParNetDetect.Deploy.Tests;

/// <summary>The Slurm scripts' command lines: a usage line and exit code 2 for bad arguments, and shellcheck-clean.</summary>
public sealed class ShellScriptTests
{
    static readonly string SlurmFolder = Repository.File("deploy/slurm");

    [Theory]
    [InlineData("submit-val.sh")]
    [InlineData("submit-val.sh", "data", "weights")]
    [InlineData("submit-val.sh", "data", "weights", "out", "--shards", "0")]
    [InlineData("submit-val.sh", "data", "weights", "out", "--bogus")]
    [InlineData("submit-predict.sh", "images", "weights", "out", "--split", "val")]
    [InlineData("local-cluster.sh")]
    [InlineData("local-cluster.sh", "restart")]
    public void BadArgumentsPrintTheUsageLineAndExit2(string script, params string[] args)
    {
        var result = ProcessRun.Run(Path.Combine(SlurmFolder, script), args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("usage: ", result.Stderr);
    }

    [SkippableFact]
    public void SlurmScriptsAreShellcheckClean()
    {
        Skip.IfNot(File.Exists("/usr/bin/shellcheck"), "shellcheck is not installed (apt-get install shellcheck)");
        var scripts = Directory.GetFiles(SlurmFolder).Where(f => f.EndsWith(".sh") || f.EndsWith(".sbatch")).Order().ToList();
        Assert.NotEmpty(scripts);
        var result = ProcessRun.Run("/usr/bin/shellcheck", ["-x", .. scripts], workingDirectory: Repository.Root);
        Assert.True(result.ExitCode == 0, result.Output);
    }
}
