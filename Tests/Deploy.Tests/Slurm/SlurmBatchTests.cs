using System.Text.Json;

namespace ParNetDetect.Deploy.Tests.Slurm;

/// <summary>
/// The batch scripts on a real (one-node) Slurm cluster: a 3-task array and its merge against one process, and a
/// task that fails. The tests wait for the jobs' states, never for a fixed time.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmBatchTests(LocalSlurmCluster cluster) : IClassFixture<LocalSlurmCluster>
{
    string Out(string name) => Path.Combine(cluster.Directory, name);

    static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    [SkippableFact]
    public async Task ThreeTaskArrayAndMergeGiveTheStatsOfOneValProcess()
    {
        Skip.If(cluster.SkipReason != null, cluster.SkipReason);
        string single = Out("single-metrics.json");
        // Batches of 4: the 12 images are three whole batches, one per task. One process on one CPU, as each task
        // runs (--cpus-per-task 1): libtorch's float sums can depend on its thread count as on the batch.
        ProcessRun.DetectOnOneCpu("val", "--data", cluster.Data, "--weights", "demo", "--batch", "4", "--json", single).Ok("detect val");

        var (array, merge) = cluster.Submit("submit-val.sh", null, cluster.Data, "demo", Out("val"), "--shards", "3", "--", "--batch", "4");
        var states = await cluster.WaitForJobs(array, merge);

        Assert.Equal([$"{array}_0", $"{array}_1", $"{array}_2", merge], states.Keys.Order());
        Assert.All(states.Values, s => Assert.Equal("COMPLETED", s));
        var whole = Json(single);
        var merged = Json(Path.Combine(Out("val"), "metrics.json"));
        Assert.Equal(whole.GetProperty("stats").ToString(), merged.GetProperty("stats").ToString());
        Assert.Equal(whole.GetProperty("per_category").ToString(), merged.GetProperty("per_category").ToString());
        Assert.Equal(whole.GetProperty("counts").ToString(), merged.GetProperty("counts").ToString());
        Assert.Equal(whole.GetProperty("counts").GetProperty("detections").GetInt32(),
            Json(Path.Combine(Out("val"), "detections.json")).GetArrayLength());
        for (int i = 0; i < 3; i++)
            Assert.Contains($"shard {i + 1}/3 (SLURM_ARRAY_TASK_ID={i} of 0-2)", File.ReadAllText(Path.Combine(Out("val"), "logs", $"val-{array}_{i}.out")));
    }

    [SkippableFact]
    public async Task AFailedTaskMakesTheMergeNameTheMissingShardAndWriteNothing()
    {
        Skip.If(cluster.SkipReason != null, cluster.SkipReason);
        // Task 1 dies before detect starts, as on a node that crashed; the others and the merge run normally.
        string failing = cluster.DetectWrapper("detect-task-1-fails",
            "if [ \"${SLURM_ARRAY_TASK_ID:-}\" = 1 ]; then echo 'task 1: simulated crash' >&2; exit 1; fi");
        var (array, merge) = cluster.Submit("submit-val.sh", new Dictionary<string, string> { ["DETECT"] = failing },
            cluster.Data, "demo", Out("val-failed"), "--shards", "3");
        var states = await cluster.WaitForJobs(array, merge);

        Assert.Equal(("COMPLETED", "FAILED", "COMPLETED"), (states[$"{array}_0"], states[$"{array}_1"], states[$"{array}_2"]));
        Assert.Equal("FAILED", states[merge]);
        string log = File.ReadAllText(Path.Combine(Out("val-failed"), "logs", $"val-merge-{merge}.out"));
        Assert.Contains("1 of 3 parts is missing: shard 2/3", log);
        Assert.Contains($"val-{array}_<i-1>.out", log);
        Assert.False(File.Exists(Path.Combine(Out("val-failed"), "metrics.json")));
        Assert.False(File.Exists(Path.Combine(Out("val-failed"), "detections.json")));
    }

    [SkippableFact]
    public async Task PredictOverAFolderAsAnArrayWritesWhatOneProcessWrites()
    {
        Skip.If(cluster.SkipReason != null, cluster.SkipReason);
        string images = Path.Combine(cluster.Data, "val", "images");
        ProcessRun.Detect("predict", "--weights", "demo", "--source", images, "--out", Out("predict-single")).Ok("detect predict");

        var (array, merge) = cluster.Submit("submit-predict.sh", null, images, "demo", Out("predict"), "--shards", "3");
        var states = await cluster.WaitForJobs(array, merge);

        Assert.All(states.Values, s => Assert.Equal("COMPLETED", s));
        Assert.Equal(File.ReadAllText(Path.Combine(Out("predict-single"), "detections.json")),
            File.ReadAllText(Path.Combine(Out("predict"), "detections.json")));
    }
}
