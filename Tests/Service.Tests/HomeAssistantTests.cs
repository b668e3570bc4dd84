using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests;

/// <summary>Home Assistant MQTT discovery against a real mosquitto broker, seen by subscribers as Home Assistant sees it.</summary>
public class HomeAssistantTests
{
    static BrokerMessage? Last(ConcurrentQueue<BrokerMessage> received, string topic) => received.LastOrDefault(m => m.Topic == topic);

    [Fact]
    public void UnderShardsEveryEntityFollowsTheInstancesOwnStatusTopic()
    {
        var mqtt = new MqttOptions { TopicPrefix = "test", HomeAssistant = new HomeAssistantOptions { Enabled = true } };
        var cam = new CameraOptions { Id = "yard", Source = "x", Zones = [new ZoneOptions { Name = "gate", Points = [[0, 0], [1, 0], [1, 1]] }] };
        Cameras.CameraShard.Resolve(new ServiceOptions { Shard = "1/2", Cameras = [cam] }).ApplyTo(mqtt);
        var configs = new Events.HomeAssistantDiscovery(mqtt, [cam], ["square", "circle"]).Configs().ToList();
        Assert.Equal(9, configs.Count); // two labels, whole frame and one zone, two entities each; and the snapshot camera
        Assert.All(configs, c => Assert.Equal("test/status/1", JsonDocument.Parse(c.Payload).RootElement.GetProperty("availability_topic").GetString()));
    }

    [SkippableFact]
    public async Task DiscoveryCountsAndSnapshotAreRetainedSoHomeAssistantIsRightAfterEitherSideRestarts()
    {
        string dir = TestVideos.TempDirectory();
        using var broker = await TestBroker.StartAsync(dir);
        int port = broker.Port;

        var cam = TestHost.FileCamera("yard", TestVideos.MovingSquare(dir));
        cam.Zones = [new ZoneOptions { Name = "Right Half", Points = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] }];
        var options = TestHost.DefaultOptions(dir, cam);
        options.Mqtt = new()
        {
            Enabled = true, Port = port, TopicPrefix = "test", ClientId = "parnet-ha-test", PublishDetections = false,
            HomeAssistant = new HomeAssistantOptions { Enabled = true }
        };
        var (live, seen) = await broker.SubscribeAsync("ha-live", "homeassistant/#", "test/#");
        var host = await TestHost.StartAsync(options, dir);
        await TestHost.WaitUntil(() => Last(seen, "test/yard/objects/square")?.Text == "1" && Last(seen, "test/yard/snapshot") != null,
            "a square counted and its snapshot published");

        // Home Assistant starting now (a fresh subscriber) gets everything from the broker's retained messages.
        var (restarted, retained) = await broker.SubscribeAsync("ha-restarted", "homeassistant/#", "test/#");
        await TestHost.WaitUntil(() => retained.Any(m => m.Topic == "test/yard/snapshot") && retained.Count(m => m.Topic.EndsWith("/config")) == 9,
            "the retained configs and snapshot");
        // A topic's first message is the broker's retained copy (later ones may be live changes, delivered unretained).
        Assert.All(retained.GroupBy(m => m.Topic), g => Assert.True(g.First().Retained, g.Key));
        string[] configs = retained.Where(m => m.Topic.EndsWith("/config")).Select(m => m.Topic).Order().ToArray();
        Assert.Equal([
            "homeassistant/binary_sensor/test_yard/test_yard_all_circle_occupancy/config",
            "homeassistant/binary_sensor/test_yard/test_yard_all_square_occupancy/config",
            "homeassistant/binary_sensor/test_yard/test_yard_zone_right_half_circle_occupancy/config",
            "homeassistant/binary_sensor/test_yard/test_yard_zone_right_half_square_occupancy/config",
            "homeassistant/camera/test_yard/snapshot/config",
            "homeassistant/sensor/test_yard/test_yard_all_circle_count/config",
            "homeassistant/sensor/test_yard/test_yard_all_square_count/config",
            "homeassistant/sensor/test_yard/test_yard_zone_right_half_circle_count/config",
            "homeassistant/sensor/test_yard/test_yard_zone_right_half_square_count/config",
        ], configs);
        var occupancy = JsonDocument.Parse(Last(retained, "homeassistant/binary_sensor/test_yard/test_yard_zone_right_half_square_occupancy/config")!.Payload).RootElement;
        Assert.Equal("Right Half square occupancy", occupancy.GetProperty("name").GetString());
        Assert.Equal("occupancy", occupancy.GetProperty("device_class").GetString());
        Assert.Equal("test/yard/zones/right_half/square", occupancy.GetProperty("state_topic").GetString());
        Assert.Equal("{{ 'ON' if value | int > 0 else 'OFF' }}", occupancy.GetProperty("value_template").GetString());
        Assert.Equal("test/status", occupancy.GetProperty("availability_topic").GetString());
        Assert.Equal("test_yard", occupancy.GetProperty("device").GetProperty("identifiers")[0].GetString());
        var count = JsonDocument.Parse(Last(retained, "homeassistant/sensor/test_yard/test_yard_all_square_count/config")!.Payload).RootElement;
        Assert.Equal("test/yard/objects/square", count.GetProperty("state_topic").GetString());
        var camera = JsonDocument.Parse(Last(retained, "homeassistant/camera/test_yard/snapshot/config")!.Payload).RootElement;
        Assert.Equal("test/yard/snapshot", camera.GetProperty("topic").GetString());
        byte[] jpeg = Last(retained, "test/yard/snapshot")!.Payload;
        Assert.Equal((0xFF, 0xD8), (jpeg[0], jpeg[1]));
        Assert.Equal("0", Last(retained, "test/yard/objects/circle")!.Text);
        Assert.Equal("online", Last(retained, "test/status")!.Text);

        // The service stops: every object is gone, so the counts it leaves retained are 0, and it says offline.
        await host.DisposeAsync();
        var (afterStop, stopped) = await broker.SubscribeAsync("ha-after-stop", "homeassistant/#", "test/#");
        await TestHost.WaitUntil(() => Last(stopped, "test/status")?.Text == "offline" && Last(stopped, "test/yard/objects/square") != null,
            "the retained state after the service stopped");
        Assert.Equal("0", Last(stopped, "test/yard/objects/square")!.Text);
        Assert.Equal("0", Last(stopped, "test/yard/zones/right_half/square")!.Text);

        // And when it starts again, it says so and counts again.
        await using (var again = await TestHost.StartAsync(options, dir))
            await TestHost.WaitUntil(() => Last(stopped, "test/status")?.Text == "online" && Last(stopped, "test/yard/objects/square")?.Text == "1",
                "online and counting again");
        foreach (var client in new[] { live, restarted, afterStop }) client.Dispose();
    }
}
