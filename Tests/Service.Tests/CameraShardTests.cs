using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Systemd;
using ParNetDetect.Service.Tests.Support;
using ParNetDetect.Sharding;

namespace ParNetDetect.Service.Tests;

/// <summary>N service instances on one configuration, each running the cameras that hash to its shard.</summary>
public class CameraShardTests
{
    // With two shards these ids split two and two (pinned in Sharding.Tests): gate and driveway on 1, yard and dock on 2.
    static readonly string[] CameraIds = ["gate", "yard", "driveway", "dock"];

    static ServiceOptions Options(string? shard, params string[] ids) => new()
    {
        Cameras = ids.Select(id => new CameraOptions { Id = id, Source = id + ".avi" }).ToList(),
        Shard = shard,
    };

    static IEnumerable<string> Owned(ServiceOptions o, CameraShard s) => s.Owned.Select(i => o.Cameras[i].Id);

    [Fact]
    public void EachCameraHasExactlyOneShardAndAddingCamerasMovesNone()
    {
        var four = Options(null, CameraIds);
        var owners = Enumerable.Range(1, 3).Select(i => Owned(four, CameraShard.Resolve(Options($"{i}/3", CameraIds))).ToList()).ToList();
        Assert.Equal(CameraIds.Order(), owners.SelectMany(o => o).Order());

        string[] more = [.. CameraIds, "lobby", "north", "cam-07"];
        for (int i = 1; i <= 3; i++)
        {
            var grown = Options($"{i}/3", more);
            Assert.Equal(owners[i - 1], Owned(grown, CameraShard.Resolve(grown)).Where(CameraIds.Contains));
        }
        Assert.Equal(CameraIds, Owned(four, CameraShard.Resolve(four))); // unsharded: every camera
    }

    [Fact]
    public void AutoTakesTheShardFromTheEnvironmentAndFailsAsConfigurationWithoutOne()
    {
        var options = Options("auto", CameraIds);
        var env = new Dictionary<string, string> { ["PARNET_SHARDS"] = "2" };
        var shard = CameraShard.Resolve(options, _ => SchedulerShard.FromEnvironment(env.GetValueOrDefault, "parnet-detect-1"));
        Assert.Equal(new Shard(2, 2), shard.Shard);
        Assert.Equal(["yard", "dock"], Owned(options, shard));

        var e = Assert.Throws<ConfigurationException>(() =>
            CameraShard.Resolve(options, _ => SchedulerShard.FromEnvironment(_ => null, "camera-host")));
        Assert.Contains("Detect:Shard: auto: no scheduler shard in the environment", e.Message);
    }

    [Fact]
    public void AMalformedShardIsAConfigurationError()
    {
        var errors = ServiceOptionsValidator.Validate(Options("3/2", CameraIds));
        Assert.Contains(errors, m => m.StartsWith("Detect:Shard: must be i/n", StringComparison.Ordinal));
    }

    [Fact]
    public void ShardedInstancesGetTheirOwnMqttClientIdAndStatusTopic()
    {
        var mqtt = new MqttOptions { ClientId = "parnet-detect", TopicPrefix = "site" };
        CameraShard.Resolve(Options("2/3", CameraIds)).ApplyTo(mqtt);
        Assert.Equal(("parnet-detect-2", "site/status/2"), (mqtt.ClientId, mqtt.StatusTopic));
        var alone = new MqttOptions();
        CameraShard.Resolve(Options(null, CameraIds)).ApplyTo(alone);
        Assert.Equal(("parnet-detect", null), (alone.ClientId, alone.StatusTopic));
    }

    [Fact]
    public async Task AnInstanceThatOwnsNoCameraIdlesWithTheWatchdogFed()
    {
        string dir = TestVideos.TempDirectory();
        var notifier = new RecordingNotifier();
        // cam-04 hashes to shard 1 of 2 (pinned in Sharding.Tests), so shard 2/2 has nothing to run.
        var options = TestHost.DefaultOptions(dir, TestHost.FileCamera("cam-04", TestVideos.MovingSquare(dir)));
        options.Shard = "2/2";
        await using var host = await TestHost.StartAsync(options, dir, notifier, new SystemdWatchdog(TimeSpan.FromMilliseconds(200)));

        Assert.Equal("[]", await host.Client.GetStringAsync("/api/cameras"));
        using var timeout = new CancellationTokenSource(TestHost.StateTimeout);
        while (!(await notifier.NextAsync(timeout.Token)).StartsWith("WATCHDOG=1", StringComparison.Ordinal)) { }
    }

    [SkippableFact]
    public async Task TwoInstancesFourCamerasOneBrokerEveryCameraEventsArriveExactlyOnce()
    {
        string dir = TestVideos.TempDirectory();
        using var broker = await TestBroker.StartAsync(dir);
        int port = broker.Port;

        var (client, received) = await broker.SubscribeAsync("test-sub", "site/#");
        using var subscriber = client;

        // A still square in a file that ends: a camera run once gives exactly one "new" and one "gone".
        string video = TestVideos.MovingSquare(dir, still: true);
        var hosts = new List<TestHost>();
        for (int i = 1; i <= 2; i++)
        {
            string own = Path.Combine(dir, $"instance-{i}");
            Directory.CreateDirectory(own);
            var options = TestHost.DefaultOptions(own, CameraIds.Select(id => TestHost.FileCamera(id, video, loop: false)).ToArray());
            options.Shard = $"{i}/2";
            options.Mqtt = new() { Enabled = true, Port = port, TopicPrefix = "site", ClientId = "parnet", PublishDetections = false };
            hosts.Add(await TestHost.StartAsync(options, own));
        }
        try
        {
            var owned = new List<string>();
            for (int i = 1; i <= 2; i++)
            {
                var cameras = JsonDocument.Parse(await hosts[i - 1].Client.GetStringAsync("/api/cameras")).RootElement.EnumerateArray().ToList();
                Assert.All(cameras, c => Assert.Equal($"{i}/2", c.GetProperty("shard").GetString()));
                owned.AddRange(cameras.Select(c => c.GetProperty("id").GetString()!));
            }
            Assert.Equal(CameraIds.Order(), owned.Order()); // each camera owned by exactly one instance

            List<JsonElement> Events() => received.Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal))
                .Select(m => JsonDocument.Parse(m.Text).RootElement).ToList();
            await TestHost.WaitUntil(() => CameraIds.All(id => Events().Any(e => Is(e, id, "gone"))), "every camera's gone event");
            foreach (string id in CameraIds)
                Assert.Equal(["new", "gone"], Events().Where(e => e.GetProperty("cameraId").GetString() == id).Select(e => e.GetProperty("type").GetString()));
            Assert.All(received.Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal)),
                m => Assert.Equal(m.Topic, $"site/{JsonDocument.Parse(m.Text).RootElement.GetProperty("cameraId").GetString()}/events"));
            Assert.Contains(received, m => m.Topic == "site/status/1" && m.Text == "online");
            Assert.Contains(received, m => m.Topic == "site/status/2" && m.Text == "online");
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }

    static bool Is(JsonElement e, string camera, string type) =>
        e.GetProperty("cameraId").GetString() == camera && e.GetProperty("type").GetString() == type;
}
