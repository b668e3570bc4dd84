using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests;

/// <summary>Against a real mosquitto broker on a loopback port, started here (CI installs the mosquitto package).</summary>
public class MqttTests
{
    [SkippableFact]
    public async Task EventsDetectionsAndStatusReachARealBroker()
    {
        string dir = TestVideos.TempDirectory();
        using var broker = await TestBroker.StartAsync(dir);
        int port = broker.Port;

        var (client, received) = await broker.SubscribeAsync("test-sub", "test/#");
        using var subscriber = client;

        var options = TestHost.DefaultOptions(dir, TestHost.FileCamera("yard", TestVideos.MovingSquare(dir)));
        options.Mqtt = new() { Enabled = true, Port = port, TopicPrefix = "test", ClientId = "parnet-test" };
        var host = await TestHost.StartAsync(options, dir);
        await TestHost.WaitUntil(() => received.Any(m => m.Topic == "test/yard/events"), "an event on test/yard/events");
        await TestHost.WaitUntil(() => received.Any(m => m.Topic == "test/yard/detections"), "a frame report");
        await host.DisposeAsync();
        await TestHost.WaitUntil(() => received.Any(m => m.Topic == "test/status" && m.Text == "offline"), "status offline");

        Assert.Contains(received, m => m.Topic == "test/status" && m.Text == "online");
        var evt = JsonDocument.Parse(received.First(m => m.Topic == "test/yard/events").Text).RootElement;
        Assert.Equal(("new", "yard", "square"), (evt.GetProperty("type").GetString(), evt.GetProperty("cameraId").GetString(), evt.GetProperty("label").GetString()));
        var report = JsonDocument.Parse(received.First(m => m.Topic == "test/yard/detections").Text).RootElement;
        Assert.Equal(TestVideos.Width, report.GetProperty("width").GetInt32());
    }
}
