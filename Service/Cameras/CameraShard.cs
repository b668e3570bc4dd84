using ParNetDetect.Service.Configuration;
using ParNetDetect.Sharding;

namespace ParNetDetect.Service.Cameras;

/// <summary>
/// This instance's share of the configured cameras when N instances run one configuration (Detect:Shard "i/n", or
/// "auto" from a StatefulSet ordinal, PARNET_SHARD_INDEX with PARNET_SHARDS, ...). A camera belongs to the shard
/// its id hashes to (<see cref="StableShardHash"/>), so every instance agrees without talking to the others, and
/// adding a camera never moves another one.
/// </summary>
public sealed class CameraShard
{
    CameraShard(Shard shard, string origin, IReadOnlyList<int> owned, IReadOnlyList<string> others)
    {
        Shard = shard;
        Origin = origin;
        Owned = owned;
        Others = others;
    }

    public Shard Shard { get; }
    /// <summary>Where the shard came from, for the start-up log ("2/3", "host name parnet-detect-1 of PARNET_SHARDS=3").</summary>
    public string Origin { get; }
    /// <summary>Indexes into Detect:Cameras of the cameras this instance runs, in configuration order.</summary>
    public IReadOnlyList<int> Owned { get; }
    /// <summary>Ids of the cameras other instances run.</summary>
    public IReadOnlyList<string> Others { get; }

    /// <summary>Resolves Detect:Shard; an "auto" the environment cannot answer is a <see cref="ConfigurationException"/>.</summary>
    public static CameraShard Resolve(ServiceOptions options, Func<string, ShardChoice>? resolve = null)
    {
        ShardChoice choice;
        if (string.IsNullOrWhiteSpace(options.Shard)) choice = new ShardChoice(Shard.Whole, "every camera");
        else
        {
            try { choice = (resolve ?? SchedulerShard.Resolve)(options.Shard); }
            catch (ArgumentException e) { throw new ConfigurationException($"invalid configuration:\n  {ServiceOptions.SectionName}:Shard: {e.Message}"); }
        }
        var owned = new List<int>();
        var others = new List<string>();
        for (int i = 0; i < options.Cameras.Count; i++)
        {
            string id = options.Cameras[i].Id;
            if (StableShardHash.ShardOf(id, choice.Shard.Count) == choice.Shard.Index) owned.Add(i);
            else others.Add(id);
        }
        return new CameraShard(choice.Shard, choice.Origin, owned, others);
    }

    /// <summary>
    /// Instances share one broker: each needs its own client id (a broker drops the older of two connections with
    /// one id) and its own retained status topic (one instance's "offline" must not hide that the others are up).
    /// </summary>
    public void ApplyTo(MqttOptions mqtt)
    {
        if (Shard.Count == 1) return;
        mqtt.ClientId = $"{mqtt.ClientId}-{Shard.Index}";
        mqtt.StatusTopic = $"{mqtt.StatusTopic ?? mqtt.TopicPrefix + "/status"}/{Shard.Index}";
    }
}
