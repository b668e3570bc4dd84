using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Hosting;
using ParNetDetect.Service.Pipeline;
using ParNetDetect.Service.Systemd;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>A running service on a free loopback port with the fake detector, torn down on dispose.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public WebApplication App { get; }
    public FakeDetector Detector { get; } = new();
    public ServiceOptions Options { get; }
    public string Directory { get; }

    TestHost(ServiceOptions options, string directory, ISystemdNotifier? notifier, SystemdWatchdog? watchdog)
    {
        Options = options;
        Directory = directory;
        App = ServiceHost.Build(options, new ServiceHostSettings
        {
            CreateDetector = _ => Detector,
            Notifier = notifier ?? new RecordingNotifier(isEnabled: false),
            Watchdog = watchdog ?? SystemdWatchdog.Off,
        });
    }

    public static ServiceOptions DefaultOptions(string directory, params CameraOptions[] cameras) => new()
    {
        Cameras = cameras.ToList(),
        Events = new EventOptions { JsonLinesPath = Path.Combine(directory, "events.jsonl"), SnapshotDirectory = Path.Combine(directory, "snapshots") },
        Http = new HttpOptions { Urls = "http://127.0.0.1:0" },
        Logging = new LoggingOptions { Level = "Warning" },
        // Generous: a stop that takes this long has ignored cancellation; a loaded machine stays well inside it.
        ShutdownTimeoutSeconds = 30,
    };

    public static CameraOptions FileCamera(string id, string path, bool loop = true) => new()
    {
        Id = id, Source = path, Loop = loop, RealTime = true, FpsCap = 0, Confidence = 0.5,
        Tracker = new TrackerOptions { MinHits = 2, LostAfterSeconds = 0.5 },
        Reconnect = new ReconnectOptions { InitialDelaySeconds = 0.1, MaxDelaySeconds = 0.5, ReadTimeoutSeconds = 3 },
    };

    /// <summary>A service with two file cameras: <paramref name="good"/> on the moving square, <paramref name="bad"/>
    /// on a file that is not a video.</summary>
    public static Task<TestHost> StartGoodAndCorruptAsync(string directory, string good, string bad)
    {
        string corrupt = Path.Combine(directory, "broken.avi");
        File.WriteAllText(corrupt, "this is not a video");
        return StartAsync(DefaultOptions(directory, FileCamera(good, TestVideos.MovingSquare(directory)), FileCamera(bad, corrupt)), directory);
    }

    public static async Task<TestHost> StartAsync(ServiceOptions options, string directory,
        ISystemdNotifier? notifier = null, SystemdWatchdog? watchdog = null)
    {
        ServiceOptionsValidator.ThrowIfInvalid(options);
        var host = new TestHost(options, directory, notifier, watchdog);
        await host.App.StartAsync();
        return host;
    }

    HttpClient? _http;
    public HttpClient Client => _http ??= new HttpClient { BaseAddress = new Uri(ServiceRunner.ListeningUrls(App).First()), Timeout = StateTimeout };

    public CameraRegistry Cameras => App.Services.GetRequiredService<CameraRegistry>();
    public EventDispatcher Dispatcher => App.Services.GetRequiredService<EventDispatcher>();

    /// <summary>How long a test waits for a state before failing. Generous, because the test projects run in
    /// parallel on small machines; a passing test never waits it out, since every wait ends when the state holds.</summary>
    public static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Polls until <paramref name="condition"/> holds, or fails the test after <see cref="StateTimeout"/>.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + StateTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {StateTimeout.TotalSeconds} s waiting for {what}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
