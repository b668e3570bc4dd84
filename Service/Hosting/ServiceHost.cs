using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ParNetDetect.Imaging.Video;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.History;
using ParNetDetect.Service.Http;
using ParNetDetect.Service.Pipeline;
using ParNetDetect.Service.Systemd;
using Serilog;

namespace ParNetDetect.Service.Hosting;

/// <summary>What a caller (the CLI, a test) plugs into the host.</summary>
public sealed class ServiceHostSettings
{
    /// <summary>Builds the shared detector once at start; the CLI passes the ParNet adapter, tests a fake.</summary>
    public required Func<DetectorOptions, IObjectDetector> CreateDetector { get; init; }
    /// <summary>Opens a camera's frame source; defaults to <see cref="FrameSources.Create"/>.</summary>
    public Func<FrameSourceOptions, IFrameSource> CreateSource { get; init; } = FrameSources.Create;
    /// <summary>Where STATUS= and WATCHDOG=1 go; defaults to .NET's systemd notifier ($NOTIFY_SOCKET; a no-op
    /// when not run by systemd).</summary>
    public ISystemdNotifier? Notifier { get; init; }
    /// <summary>The systemd watchdog's period; defaults to $WATCHDOG_USEC.</summary>
    public SystemdWatchdog Watchdog { get; init; } = SystemdWatchdog.FromEnvironment();
    /// <summary>Where <see cref="ServiceRunner"/> reports a bad configuration or a failed start; defaults to stderr.</summary>
    public TextWriter ErrorOutput { get; init; } = Console.Error;
}

/// <summary>
/// Builds the service: a Kestrel web application whose hosted services are the event history, the event
/// dispatcher, the detection loop (with one capture thread per camera) and the systemd watchdog heartbeat. They start
/// once Kestrel has bound its addresses (<see cref="Lifecycle.AfterListeningService"/>). Stop order is the reverse of
/// registration, so cameras and the loop stop first, the dispatcher then drains and flushes every sink, and the
/// history writes the last events and clips.
/// </summary>
public static class ServiceHost
{
    /// <summary>
    /// The service on the "Detect" section of <paramref name="configuration"/>: its options come through
    /// <see cref="IOptions{ServiceOptions}"/>, bound and validated (output paths included) when the host first reads
    /// them, at the latest when it starts; an invalid configuration throws one <see cref="OptionsValidationException"/>.
    /// </summary>
    public static WebApplication Build(IConfiguration configuration, ServiceHostSettings settings) =>
        Build(services => services.AddServiceOptions(configuration, checkOutputPaths: true), settings);

    /// <summary>The service on options made in code (tests, benchmarks), which the caller has checked
    /// (<see cref="ServiceOptionsValidator.ThrowIfInvalid"/>).</summary>
    public static WebApplication Build(ServiceOptions options, ServiceHostSettings settings) =>
        Build(services => services.AddSingleton(Options.Create(options)), settings);

    static WebApplication Build(Action<IServiceCollection> addOptions, ServiceHostSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var services = builder.Services;
        addOptions(services);
        // Components take the options' value; whatever reads it first (the host's own options, below) validates it.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ServiceOptions>>().Value);
        // Run by systemd: its lifetime sends READY=1 once everything has started, and STOPPING=1.
        services.AddSystemd();
        services.AddOptions<HostOptions>().Configure<ServiceOptions>((h, o) => h.ShutdownTimeout = TimeSpan.FromSeconds(o.ShutdownTimeoutSeconds));
        // Each host its own logger, not the static Log.Logger: with several hosts in one process (tests, benchmarks)
        // the static one would send every host's lines to the last one built, and the first to stop would close it.
        services.AddSerilog((sp, lc) => ServiceLogging.Configure(lc, sp.GetRequiredService<ServiceOptions>().Logging), preserveStaticLogger: true);
        // This instance's cameras; with more than one instance its MQTT client id and status topic get the shard index.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ServiceOptions>();
            var shard = CameraShard.Resolve(options);
            shard.ApplyTo(options.Mqtt);
            return shard;
        });

        services.AddSingleton(settings.CreateSource);
        if (settings.Notifier != null) services.AddSingleton(settings.Notifier);
        else services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>(); // AddSystemd adds one only under systemd
        services.AddSingleton(settings.Watchdog);
        services.AddSingleton<PipelineActivity>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => settings.CreateDetector(sp.GetRequiredService<ServiceOptions>().Detector));
        services.AddSingleton<CameraRegistry>();
        // Before the dispatcher, so it stops after it: the last events reach the database before it closes.
        services.AddSingleton<HistoryService>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryService>());
        // The same instances are resolved by the API (dispatcher drops) and run as hosted services.
        services.AddSingleton(sp => new EventDispatcher(Sinks(sp), sp.GetRequiredService<ServiceOptions>(),
            sp.GetRequiredService<ILogger<EventDispatcher>>()));
        services.AddHostedService(sp => sp.GetRequiredService<EventDispatcher>());
        services.AddSingleton<DetectionLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionLoop>());
        services.AddSingleton<WatchdogHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchdogHeartbeat>());

        var app = builder.Build();
        var options = app.Services.GetRequiredService<ServiceOptions>();
        app.Services.GetRequiredService<CameraShard>(); // resolved now: a bad shard fails the build, and MQTT sinks see its settings
        foreach (string url in ServiceOptionsValidator.SplitUrls(options.Http.Urls)) app.Urls.Add(url);
        app.MapServiceApi(options.Http);
        return app;
    }

    /// <summary>The event sinks the options turn on.</summary>
    static IEnumerable<IEventSink> Sinks(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<ServiceOptions>();
        if (options.History.Enabled) yield return new HistorySink(sp.GetRequiredService<HistoryService>());
        if (!string.IsNullOrWhiteSpace(options.Events.JsonLinesPath))
            yield return new JsonLinesEventSink(options.Events, sp.GetRequiredService<ILogger<JsonLinesEventSink>>());
        if (options.Mqtt.Enabled)
            yield return new MqttEventSink(options.Mqtt, sp.GetRequiredService<ILogger<MqttEventSink>>(),
                options.Mqtt.HomeAssistant.Enabled ? HomeAssistant(sp, options) : null);
    }

    /// <summary>Home Assistant discovery of this instance's cameras, shown the history's event snapshots as they are saved.</summary>
    static HomeAssistantDiscovery HomeAssistant(IServiceProvider sp, ServiceOptions options)
    {
        var discovery = new HomeAssistantDiscovery(options.Mqtt, sp.GetRequiredService<CameraRegistry>().All.Select(c => c.Options),
            sp.GetRequiredService<IObjectDetector>().ClassNames);
        sp.GetRequiredService<HistoryService>().SnapshotSaved += discovery.OfferSnapshot;
        return discovery;
    }
}
