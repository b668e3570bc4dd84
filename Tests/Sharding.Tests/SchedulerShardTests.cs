using ParNetDetect.Sharding;

namespace ParNetDetect.Sharding.Tests;

/// <summary>`--shard auto`: what each scheduler puts in the environment, and one clear error where none did.</summary>
public sealed class SchedulerShardTests
{
    static ShardChoice Resolve(string hostName = "worker", params (string Name, string Value)[] variables)
    {
        var env = variables.ToDictionary(v => v.Name, v => v.Value);
        return SchedulerShard.FromEnvironment(name => env.GetValueOrDefault(name), hostName);
    }

    [Theory]
    [InlineData("0", "0", "2", null, null, "1/3")]      // sbatch --array=0-2: every variable Slurm sets
    [InlineData("2", "0", "2", null, "3", "3/3")]
    [InlineData("5", "4", "6", null, "3", "2/3")]       // --array=4-6
    [InlineData("7", "1", "9", "2", "5", "4/5")]        // --array=1-9:2 -> tasks 1,3,5,7,9
    [InlineData("1", null, null, null, "4", "2/4")]     // only the count: the array starts at 0
    [InlineData("3", "0", "3", null, null, "4/4")]      // min and max, no count
    public void SlurmArrayTaskIsItsPositionInTheArray(string id, string? min, string? max, string? step, string? count, string expected)
    {
        var vars = new List<(string, string)> { ("SLURM_ARRAY_TASK_ID", id), ("SLURM_JOB_ID", "41") };
        if (min != null) vars.Add(("SLURM_ARRAY_TASK_MIN", min));
        if (max != null) vars.Add(("SLURM_ARRAY_TASK_MAX", max));
        if (step != null) vars.Add(("SLURM_ARRAY_TASK_STEP", step));
        if (count != null) vars.Add(("SLURM_ARRAY_TASK_COUNT", count));
        var choice = Resolve(variables: vars.ToArray());
        Assert.Equal(expected, choice.Shard.ToString());
        Assert.StartsWith($"SLURM_ARRAY_TASK_ID={id} of ", choice.Origin);
    }

    [Fact]
    public void AListArrayWithoutARegularStepIsRefused()
    {
        // --array=1,5,9... would be fine with step 4; --array=1,2,9 is not a regular array.
        var e = Assert.Throws<ArgumentException>(() => Resolve(variables:
            [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "9"), ("SLURM_ARRAY_TASK_COUNT", "3")]));
        Assert.Contains("not in a regular array", e.Message);
    }

    [Fact]
    public void KubernetesIndexedJobNeedsItsCompletionsInTheEnv()
    {
        Assert.Equal(new Shard(3, 4), Resolve(variables: [("JOB_COMPLETION_INDEX", "2"), ("JOB_COMPLETIONS", "4")]).Shard);
        var e = Assert.Throws<ArgumentException>(() => Resolve(variables: [("JOB_COMPLETION_INDEX", "2")]));
        Assert.Contains("JOB_COMPLETIONS is not", e.Message);
        Assert.Throws<ArgumentException>(() => Resolve(variables: [("JOB_COMPLETION_INDEX", "4"), ("JOB_COMPLETIONS", "4")]));
    }

    [Fact]
    public void InstancesTakeTheIndexFromTheVariableOrAStatefulSetHostName()
    {
        Assert.Equal(new Shard(2, 3), Resolve("parnet-detect-1", ("PARNET_SHARDS", "3")).Shard);
        Assert.Equal(new Shard(1, 3), Resolve("parnet-detect-1", ("PARNET_SHARDS", "3"), ("PARNET_SHARD_INDEX", "0")).Shard);
        var e = Assert.Throws<ArgumentException>(() => Resolve("camera-host", ("PARNET_SHARDS", "3")));
        Assert.Contains("host name 'camera-host'", e.Message);
        e = Assert.Throws<ArgumentException>(() => Resolve("camera-host", ("PARNET_SHARD_INDEX", "1")));
        Assert.Contains("PARNET_SHARDS (the number of instances) is not", e.Message);
    }

    [Fact]
    public void SlurmComesBeforeKubernetesAndInstanceVariables()
    {
        var choice = Resolve("pod-7", ("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "5"), ("PARNET_SHARDS", "9"));
        Assert.Equal(new Shard(2, 2), choice.Shard);
    }

    [Fact]
    public void NoSchedulerIsOneLineNamingEverySource()
    {
        var e = Assert.Throws<ArgumentException>(() => Resolve(variables: [("SLURM_JOB_ID", "17")]));
        Assert.DoesNotContain('\n', e.Message);
        foreach (string name in new[] { "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "PARNET_SHARDS", "not an array job" })
            Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("1-2")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    public void BadShardTextIsRejected(string text) => Assert.Throws<ArgumentException>(() => Shard.Parse(text));

    [Fact]
    public void ExplicitShardIsParsedAndNamedAsGiven() =>
        Assert.Equal(new ShardChoice(new Shard(2, 5), "as given"), SchedulerShard.Resolve("2/5"));
}
