using System.Globalization;
using System.Text.RegularExpressions;

namespace ParNetDetect.Sharding;

/// <summary>A resolved shard and where it came from ("--shard 2/3", "SLURM_ARRAY_TASK_ID=1 of 0-2"), for logs.</summary>
public sealed record ShardChoice(Shard Shard, string Origin);

/// <summary>
/// The shard a scheduler gave this process, read from its environment. Tried in this order:
/// a Slurm array task (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_MIN/MAX/STEP or SLURM_ARRAY_TASK_COUNT), a
/// Kubernetes Indexed Job (JOB_COMPLETION_INDEX with JOB_COMPLETIONS, which the Job's env must set to its
/// completions), then one of N instances (PARNET_SHARDS=N with PARNET_SHARD_INDEX, or the ordinal a StatefulSet
/// puts at the end of the host name, NAME-ORDINAL). Schedulers count from 0; the shard is 1-based.
/// </summary>
public static partial class SchedulerShard
{
    public const string ShardCountVariable = "PARNET_SHARDS";
    public const string ShardIndexVariable = "PARNET_SHARD_INDEX";

    [GeneratedRegex(@"-(\d+)$")]
    private static partial Regex OrdinalSuffix();

    /// <summary>Reads this process's environment and host name.</summary>
    public static ShardChoice FromEnvironment() =>
        FromEnvironment(Environment.GetEnvironmentVariable, Environment.MachineName);

    /// <summary>Throws <see cref="ArgumentException"/> (one line naming the variables) when no scheduler set a
    /// shard, or set an inconsistent one.</summary>
    public static ShardChoice FromEnvironment(Func<string, string?> variable, string hostName)
    {
        string? Get(string name) => variable(name) is { Length: > 0 } v ? v.Trim() : null;

        if (Get("SLURM_ARRAY_TASK_ID") is { } taskId)
            return SlurmArray(taskId, Get);
        if (Get("JOB_COMPLETION_INDEX") is { } completionIndex)
        {
            string completions = Get("JOB_COMPLETIONS") ?? throw new ArgumentException(
                "auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; set it in the Indexed Job's env to spec.completions.");
            return Zero(Number("JOB_COMPLETION_INDEX", completionIndex), Number("JOB_COMPLETIONS", completions),
                $"JOB_COMPLETION_INDEX={completionIndex} of JOB_COMPLETIONS={completions}");
        }
        if (Get(ShardCountVariable) is { } shards)
        {
            int count = Number(ShardCountVariable, shards);
            if (Get(ShardIndexVariable) is { } index)
                return Zero(Number(ShardIndexVariable, index), count, $"{ShardIndexVariable}={index} of {ShardCountVariable}={shards}");
            var ordinal = OrdinalSuffix().Match(hostName);
            if (!ordinal.Success)
                throw new ArgumentException($"auto: {ShardCountVariable}={shards} is set but neither {ShardIndexVariable} nor a " +
                                            $"host name ending in -ORDINAL (a StatefulSet pod's) gives the index (host name '{hostName}').");
            return Zero(Number("the host name's ordinal", ordinal.Groups[1].Value), count, $"host name {hostName} of {ShardCountVariable}={shards}");
        }
        if (Get(ShardIndexVariable) is { } orphan)
            throw new ArgumentException($"auto: {ShardIndexVariable}={orphan} is set but {ShardCountVariable} (the number of instances) is not.");
        string hint = Get("SLURM_JOB_ID") is { } job ? $" (Slurm job {job} is not an array job: submit it with --array=0-N)" : "";
        throw new ArgumentException(
            $"auto: no scheduler shard in the environment{hint}: expected a Slurm array task (SLURM_ARRAY_TASK_ID with " +
            "SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN/MAX), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with " +
            $"JOB_COMPLETIONS) or {ShardCountVariable} with {ShardIndexVariable} or a StatefulSet host name; or give i/n.");
    }

    /// <summary>"i/n", or "auto" for <see cref="FromEnvironment()"/>.</summary>
    public static ShardChoice Resolve(string text) =>
        text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? FromEnvironment() : new ShardChoice(Shard.Parse(text), "as given");

    static ShardChoice SlurmArray(string taskId, Func<string, string?> get)
    {
        int id = Number("SLURM_ARRAY_TASK_ID", taskId);
        int step = get("SLURM_ARRAY_TASK_STEP") is { } s ? Number("SLURM_ARRAY_TASK_STEP", s) : 1;
        int? min = get("SLURM_ARRAY_TASK_MIN") is { } mn ? Number("SLURM_ARRAY_TASK_MIN", mn) : null;
        int? max = get("SLURM_ARRAY_TASK_MAX") is { } mx ? Number("SLURM_ARRAY_TASK_MAX", mx) : null;
        int? count = get("SLURM_ARRAY_TASK_COUNT") is { } c ? Number("SLURM_ARRAY_TASK_COUNT", c) : null;
        if (step < 1) throw new ArgumentException($"auto: SLURM_ARRAY_TASK_STEP must be at least 1 (got {step}).");
        if (count is null && (min is null || max is null))
            throw new ArgumentException("auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor " +
                                        "SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX are.");
        int first = min ?? 0;
        int n = count ?? (max!.Value - first) / step + 1;
        // An array given as a list (--array=1,5,7) has no regular step: the task id does not say which part it is.
        if ((max is { } last && last != first + (n - 1) * step) || (id - first) % step != 0 || id < first)
            throw new ArgumentException($"auto: Slurm array task {id} is not in a regular array (min {min?.ToString() ?? "?"}, " +
                                        $"max {max?.ToString() ?? "?"}, step {step}, count {n}); submit --array=0-{n - 1} or give i/n.");
        string range = max is { } m ? $"{first}-{m}" : $"{first}-{first + (n - 1) * step}";
        return Zero((id - first) / step, n, $"SLURM_ARRAY_TASK_ID={id} of {range}" + (step > 1 ? $":{step}" : ""));
    }

    static ShardChoice Zero(int index, int count, string origin)
    {
        if (count < 1 || index < 0 || index >= count)
            throw new ArgumentException($"auto: {origin} is not a shard (need 0 <= index < count).");
        return new ShardChoice(new Shard(index + 1, count), origin);
    }

    static int Number(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n : throw new ArgumentException($"auto: {name} must be a whole number (got '{value}').");
}
