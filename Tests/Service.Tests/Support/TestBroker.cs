namespace ParNetDetect.Service.Tests.Support;

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

    public void Dispose() => _process.Dispose();
}
