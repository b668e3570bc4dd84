using System.Text.RegularExpressions;

namespace ParNetDetect.Deploy.Tests.Slurm;

/// <summary>
/// A one-node Slurm cluster started with deploy/slurm/local-cluster.sh in a folder of its own for the tests of one
/// class, and stopped after them; plus a small generated dataset and a DETECT command for the jobs. Where Slurm
/// cannot run here (packages missing, not root), <see cref="SkipReason"/> says why and nothing is started.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class LocalSlurmCluster : IDisposable
{
    static readonly string Script = Repository.File("deploy/slurm/local-cluster.sh");
    static readonly HashSet<string> Finished =
        ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE"];

    /// <summary>Longest a job may take to finish; generous, because the test projects share a few cores.</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    readonly Dictionary<string, string> _environment;

    public LocalSlurmCluster()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("parnet-slurm-").FullName;
        // munged wants every folder above its socket enterable by all users.
        File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        SkipReason = WhyNot();
        _environment = new()
        {
            ["PARNET_SLURM_DIR"] = Path.Combine(Directory, "cluster"),
            ["SLURM_CONF"] = Path.Combine(Directory, "cluster", "etc", "slurm.conf"),
            ["DETECT"] = DetectWrapper("detect", ""),
        };
        if (SkipReason != null) return;
        ProcessRun.Run(Script, ["start"], _environment).Ok("local-cluster.sh start");
        ProcessRun.Run(Script, ["status"], _environment).Ok("local-cluster.sh status");
        Data = Path.Combine(Directory, "shapes");
        ProcessRun.Detect("synth", "--out", Data, "--images", "4", "--val-images", "12", "--seed", "5").Ok("detect synth");
    }

    public string Directory { get; }
    public string? SkipReason { get; }
    /// <summary>A `detect synth` dataset: val holds 12 images.</summary>
    public string Data { get; } = "";
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>
    /// A detect command for the jobs: the program built beside the tests, with <paramref name="before"/> (shell) run
    /// first, e.g. to make one array task fail as a crashed node would.
    /// </summary>
    public string DetectWrapper(string name, string before)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, $"#!/bin/sh\n{before}\nexec dotnet '{ProcessRun.DetectDll}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Runs a submit script and returns the array and merge job ids it printed.</summary>
    public (string Array, string Merge) Submit(string script, IReadOnlyDictionary<string, string>? extraEnvironment, params string[] args)
    {
        var env = new Dictionary<string, string>(_environment);
        foreach (var (k, v) in extraEnvironment ?? new Dictionary<string, string>()) env[k] = v;
        var result = ProcessRun.Run(Repository.File($"deploy/slurm/{script}"), args, env).Ok(script);
        var array = ArrayJob().Match(result.Stdout);
        var merge = MergeJob().Match(result.Stdout);
        Assert.True(array.Success && merge.Success, $"{script} printed no job ids:\n{result.Output}");
        return (array.Groups[1].Value, merge.Groups[1].Value);
    }

    /// <summary>Polls squeue until every task of the given jobs has finished; returns each task's final state.</summary>
    public async Task<Dictionary<string, string>> WaitForJobs(params string[] jobs)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var result = ProcessRun.Run("squeue", ["-h", "-t", "all", "-j", string.Join(',', jobs), "-o", "%i %T"], _environment)
                .Ok("squeue");
            var states = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p[1].Trim());
            // A pending array shows as one line (12_[0-2]) until its tasks start; it is finished when each task is.
            if (states.Count > 0 && states.Values.All(Finished.Contains) && !states.Keys.Any(k => k.Contains('[')))
                return states;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"jobs {string.Join(',', jobs)} not finished after {JobTimeout.TotalMinutes} min: {result.Stdout}");
            await Task.Delay(250);
        }
    }

    static string? WhyNot()
    {
        foreach (string tool in new[] { "/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch" })
            if (!File.Exists(tool)) return $"{tool} is missing (apt-get install slurm-wlm munge; build/setup.sh test installs them)";
        var id = ProcessRun.Run("id", ["-u"]);
        if (id.Stdout.Trim() != "0") return "the local cluster needs root: slurmd starts jobs as their submitting user";
        return null;
    }

    public void Dispose()
    {
        if (SkipReason == null) ProcessRun.Run(Script, ["stop"], _environment);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    [GeneratedRegex(@"^array job (\d+)", RegexOptions.Multiline)]
    private static partial Regex ArrayJob();

    [GeneratedRegex(@"^merge job (\d+)", RegexOptions.Multiline)]
    private static partial Regex MergeJob();
}
