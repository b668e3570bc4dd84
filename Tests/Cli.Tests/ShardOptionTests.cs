namespace ParNetDetect.Cli.Tests;

/// <summary>`--shard auto` outside a scheduler, and --shard where it cannot apply: usage errors (exit 2) in one line.</summary>
public sealed class ShardOptionTests
{
    // Whatever the machine running the tests sets: empty counts as unset.
    static readonly Dictionary<string, string> NoScheduler = new[]
    {
        "SLURM_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", "PARNET_SHARDS", "PARNET_SHARD_INDEX",
    }.ToDictionary(v => v, _ => "");

    [Theory]
    [InlineData("val", "--data", "nowhere", "--weights", "demo", "--shard", "auto", "--save-json", "part.json")]
    [InlineData("predict", "--weights", "demo", "--source", "nowhere", "--shard", "auto", "--no-save")]
    public void AutoWithoutASchedulerIsOneLineAndExit2(params string[] args)
    {
        var result = DetectProcess.Run(NoScheduler, args);
        Assert.Equal(2, result.Code);
        string first = result.Err.Split('\n')[0];
        Assert.StartsWith($"detect {args[0]}: --shard auto: no scheduler shard in the environment", first);
        Assert.Contains("SLURM_ARRAY_TASK_ID", first);
        Assert.Contains("JOB_COMPLETION_INDEX", first);
    }

    [Fact]
    public void PredictShardsFoldersOnly()
    {
        var result = DetectProcess.Run(NoScheduler, "predict", "--weights", "demo", "--source", DetectProcess.TestData("street.jpg"),
            "--shard", "1/2", "--no-save");
        Assert.Equal(2, result.Code);
        Assert.StartsWith("detect predict: --shard needs a folder of images as --source.", result.Err);
    }
}
