using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>A message a test subscriber received.</summary>
public sealed record BrokerMessage(string Topic, byte[] Payload, bool Retained)
{
    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>A mosquitto broker on a free loopback port, anonymous and without persistence, stopped on dispose.
/// Tests skip, saying why, where mosquitto is not installed (CI installs it).</summary>
public sealed class TestBroker : IDisposable
{
    readonly ExternalProcess _process;

    TestBroker(ExternalProcess process, int port) => (_process, Port) = (process, port);

    public int Port { get; }

    /// <summary>Starts the broker with its configuration in <paramref name="directory"/>, once it accepts connections.</summary>
    public static async Task<TestBroker> StartAsync(string directory)
    {
        string? mosquitto = ExternalProcess.Find("mosquitto", "/usr/sbin");
        Skip.If(mosquitto == null, "mosquitto is not installed (apt-get install mosquitto); CI installs it");
        int port = ExternalProcess.FreeTcpPort();
        string conf = Path.Combine(directory, "mosquitto.conf");
        File.WriteAllText(conf, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n");
        var process = ExternalProcess.Start(mosquitto!, "-c", conf);
        await ExternalProcess.WaitForPort(port);
        return new TestBroker(process, port);
    }

    /// <summary>A new client subscribed to <paramref name="topicFilters"/>, keeping every message it gets, in order.</summary>
    public async Task<(IMqttClient Client, ConcurrentQueue<BrokerMessage> Received)> SubscribeAsync(string clientId, params string[] topicFilters)
    {
        var received = new ConcurrentQueue<BrokerMessage>();
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(new BrokerMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithClientId(clientId).Build());
        var subscription = new MqttClientSubscribeOptionsBuilder();
        foreach (string filter in topicFilters) subscription.WithTopicFilter(filter);
        await client.SubscribeAsync(subscription.Build());
        return (client, received);
    }

    public void Dispose() => _process.Dispose();
}
