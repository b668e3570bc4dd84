using System.Text.RegularExpressions;
using ParNetDetect.Service.Hosting;
using ParNetDetect.Sharding;
using YamlDotNet.RepresentationModel;

namespace ParNetDetect.Deploy.Tests;

/// <summary>
/// The Kubernetes manifests cannot be applied here; they are parsed, and the fields the project relies on are
/// checked: the Indexed Job's shard environment, the merge reading every part, the StatefulSet's ordinal and count.
/// </summary>
public sealed class KubernetesManifestTests
{
    static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Repository.File($"deploy/kubernetes/{file}"))) stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    static YamlMappingNode Kind(string file, string kind) =>
        Assert.Single(Documents(file), d => Text(d, "kind") == kind);

    static YamlNode At(YamlNode node, string path) =>
        path.Split('.').Aggregate(node, (n, key) => int.TryParse(key, out int i) ? ((YamlSequenceNode)n)[i] : ((YamlMappingNode)n)[key]);

    static string Text(YamlNode node, string path) => ((YamlScalarNode)At(node, path)).Value!;

    static YamlMappingNode Container(YamlNode workload) => (YamlMappingNode)At(workload, "spec.template.spec.containers.0");

    static Dictionary<string, YamlMappingNode> Env(YamlMappingNode container) =>
        ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"));

    static string Command(YamlMappingNode container) =>
        string.Join(' ', new[] { "command", "args" }.Where(k => container.Children.ContainsKey(k))
            .SelectMany(k => ((YamlSequenceNode)container[k]).Select(n => ((YamlScalarNode)n).Value)));

    /// <summary>Each mount's volume is declared, and each claim named; returns mount path -> (claim, read-only).</summary>
    static Dictionary<string, (string Claim, bool ReadOnly)> DataMounts(YamlNode workload)
    {
        var volumes = ((YamlSequenceNode)At(workload, "spec.template.spec.volumes")).Cast<YamlMappingNode>().ToDictionary(v => Text(v, "name"));
        return ((YamlSequenceNode)Container(workload)["volumeMounts"]).Cast<YamlMappingNode>().ToDictionary(
            m => Text(m, "mountPath"),
            m => (Text(volumes[Text(m, "name")], "persistentVolumeClaim.claimName"),
                  m.Children.ContainsKey("readOnly") && Text(m, "readOnly") == "true"));
    }

    static string Option(string command, string name) => Regex.Match(command, $@"--{name} (\S+)").Groups[1].Value;

    [Fact]
    public void ValIsAnIndexedJobWhosePodsFindTheirShardInTheEnvironment()
    {
        var job = Kind("val-job.yaml", "Job");
        Assert.Equal("Indexed", Text(job, "spec.completionMode"));
        int completions = int.Parse(Text(job, "spec.completions"));
        Assert.InRange(int.Parse(Text(job, "spec.parallelism")), 1, completions);
        Assert.Equal("Never", Text(job, "spec.template.spec.restartPolicy"));

        var container = Container(job);
        // JOB_COMPLETION_INDEX comes from Kubernetes; JOB_COMPLETIONS, which --shard auto needs with it, from the manifest.
        Assert.Equal(completions.ToString(), Text(Env(container)["JOB_COMPLETIONS"], "value"));
        var shard = SchedulerShard.FromEnvironment(
            n => n switch { "JOB_COMPLETION_INDEX" => "0", "JOB_COMPLETIONS" => Text(Env(container)["JOB_COMPLETIONS"], "value"), _ => null }, "pod");
        Assert.Equal(new Shard(1, completions), shard.Shard);

        string command = Command(container);
        Assert.Contains("detect val ", command);
        Assert.Contains("--shard auto", command);
        Assert.Contains("--save-json \"/results/parts/val-part-$((JOB_COMPLETION_INDEX + 1)).json\"", command);
        var mounts = DataMounts(job);
        Assert.Equal(("parnet-data", true), mounts["/data"]);
        Assert.Equal(("parnet-results", false), mounts["/results"]);
        Assert.StartsWith("/data/", Option(command, "data"));
        Assert.StartsWith("/data/", Option(command, "weights"));
    }

    [Fact]
    public void TheMergeJobReadsEveryPartOfTheSameDataAndWritesTheResults()
    {
        var val = Kind("val-job.yaml", "Job");
        var merge = Kind("val-merge-job.yaml", "Job");
        var container = Container(merge);
        Assert.Equal(Text(val, "spec.completions"), Text(Env(container)["SHARDS"], "value"));
        Assert.Equal("0", Text(merge, "spec.backoffLimit"));
        string command = Command(container);
        Assert.Contains("seq -f /results/parts/val-part-%g.json 1 \"$SHARDS\"", command);
        Assert.Contains("--merge \"$parts\"", command);
        Assert.Contains("--json /results/metrics.json --save-json /results/detections.json", command);
        Assert.Equal(Option(Command(Container(val)), "data"), Option(command, "data"));
        Assert.Equal(DataMounts(val), DataMounts(merge));
        var claims = Documents("storage.yaml").ToDictionary(d => Text(d, "metadata.name"), d => Text(d, "spec.accessModes.0"));
        Assert.Equal("ReadWriteMany", claims["parnet-results"]); // pods on several nodes write their parts into it
        Assert.Contains("parnet-data", claims.Keys);
    }

    [Fact]
    public void TheStatefulsetGivesEachPodItsCamerasFromItsOrdinal()
    {
        var set = Kind("service-statefulset.yaml", "StatefulSet");
        var service = Kind("service-statefulset.yaml", "Service");
        Assert.Equal(Text(service, "metadata.name"), Text(set, "spec.serviceName"));
        Assert.Equal("None", Text(service, "spec.clusterIP"));
        var podLabels = (YamlMappingNode)At(set, "spec.template.metadata.labels");
        Assert.Equal(podLabels, At(set, "spec.selector.matchLabels"));
        Assert.Equal(podLabels, At(service, "spec.selector"));

        var container = Container(set);
        Assert.Contains("serve --config /etc/parnet-detect/appsettings.json --shard auto", Command(container));
        int replicas = int.Parse(Text(set, "spec.replicas"));
        var env = Env(container);
        Assert.Equal(replicas.ToString(), Text(env[SchedulerShard.ShardCountVariable], "value"));
        // No PARNET_SHARD_INDEX: the ordinal comes from the pod's host name, <statefulset>-<ordinal>.
        Assert.DoesNotContain(SchedulerShard.ShardIndexVariable, env.Keys);
        string name = Text(set, "metadata.name");
        for (int ordinal = 0; ordinal < replicas; ordinal++)
            Assert.Equal(new Shard(ordinal + 1, replicas), SchedulerShard.FromEnvironment(
                n => n == SchedulerShard.ShardCountVariable ? replicas.ToString() : null, $"{name}-{ordinal}").Shard);
        // Listening beyond loopback needs the API key; it comes from a Secret, never from the manifest.
        Assert.Equal("http://0.0.0.0:8080", Text(env["PARNET_Detect__Http__Urls"], "value"));
        Assert.Equal("api-key", Text(env["PARNET_Detect__Http__ApiKey"], "valueFrom.secretKeyRef.key"));

        var mounts = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>().ToDictionary(m => Text(m, "name"), m => Text(m, "mountPath"));
        Assert.Equal("/etc/parnet-detect", mounts["config"]);
        Assert.Equal(Text(container, "workingDir"), mounts["state"]);
        Assert.Equal("state", Text(set, "spec.volumeClaimTemplates.0.metadata.name"));
    }

    [Fact]
    public void TheConfigmapIsAValidServiceConfigurationWhoseCamerasEveryPodShares()
    {
        var map = Kind("service-statefulset.yaml", "ConfigMap");
        var set = Kind("service-statefulset.yaml", "StatefulSet");
        Assert.Equal(Text(map, "metadata.name"), Text(set, "spec.template.spec.volumes.0.configMap.name"));
        string folder = Directory.CreateTempSubdirectory("parnet-k8s-").FullName;
        try
        {
            string file = Path.Combine(folder, "appsettings.json");
            File.WriteAllText(file, ((YamlScalarNode)((YamlMappingNode)map["data"])["appsettings.json"]).Value!);
            var options = ServiceConfiguration.Bind(ServiceConfiguration.Load(file));
            Assert.True(options.Mqtt.Enabled);
            int replicas = int.Parse(Text(set, "spec.replicas"));
            var shards = options.Cameras.Select(c => StableShardHash.ShardOf(c.Id, replicas)).Distinct().Order();
            Assert.Equal(Enumerable.Range(1, replicas), shards); // the example keeps every pod busy
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
