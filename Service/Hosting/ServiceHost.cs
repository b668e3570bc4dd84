using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
    /// <summary>Frame sources per camera; defaults to <see cref="FrameSources.Create"/>.</summary>
    public Func<CameraOptions, IFrameSource> CreateSource { get; init; } = FrameSources.Create;
    /// <summary>The sd_notify channel; defaults to $NOTIFY_SOCKET / $WATCHDOG_USEC.</summary>
    public SdNotify? Notify { get; init; }
    /// <summary>Where <see cref="ServiceRunner"/> reports a bad configuration or a failed start; defaults to stderr.</summary>
    public TextWriter ErrorOutput { get; init; } = Console.Error;
}

/// <summary>
/// Builds the service: a Kestrel web application whose hosted services are the event history, the event
/// dispatcher, the detection loop (with one capture thread per camera) and the systemd watchdog heartbeat. They start
/// once Kestrel has bound its addresses (<see cref="AfterListeningService"/>). Stop order is the reverse of
/// registration, so cameras and the loop stop first, the dispatcher then drains and flushes every sink, and the
/// history writes the last events and clips.
/// </summary>
public static class ServiceHost
{
    public static WebApplication Build(ServiceOptions options, ServiceHostSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(ServiceOptionsValidator.SplitUrls(options.Http.Urls).ToArray());
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds));
        // Each host its own logger, not the static Log.Logger: with several hosts in one process (tests, benchmarks)
        // the static one would send every host's lines to the last one built, and the first to stop would close it.
        builder.Services.AddSerilog(lc => ServiceLogging.Configure(lc, options.Logging), preserveStaticLogger: true);

        var shard = CameraShard.Resolve(options);
        shard.ApplyTo(options.Mqtt);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(shard);
        services.AddSingleton(settings.CreateSource);
        services.AddSingleton(settings.Notify ?? SdNotify.FromEnvironment());
        services.AddSingleton<PipelineActivity>();
        services.AddSingleton(sp => settings.CreateDetector(options.Detector));
        services.AddSingleton<CameraRegistry>();
        // Before the dispatcher, so it stops after it: the last events reach the database before it closes.
        services.AddSingleton<HistoryService>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryService>());
        if (options.History.Enabled) services.AddSingleton<IEventSink, HistorySink>();
        if (!string.IsNullOrWhiteSpace(options.Events.JsonLinesPath))
            services.AddSingleton<IEventSink>(sp => new JsonLinesEventSink(options.Events, sp.GetRequiredService<ILogger<JsonLinesEventSink>>()));
        if (options.Mqtt.Enabled)
            services.AddSingleton<IEventSink>(sp => new MqttEventSink(options.Mqtt, sp.GetRequiredService<ILogger<MqttEventSink>>(),
                options.Mqtt.HomeAssistant.Enabled ? HomeAssistant(sp) : null));
        // The same instances are resolved by the API (dispatcher drops) and run as hosted services.
        services.AddSingleton<EventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EventDispatcher>());
        services.AddSingleton<DetectionLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionLoop>());
        services.AddSingleton<WatchdogHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchdogHeartbeat>());

        var app = builder.Build();
        app.MapServiceApi(options.Http);
        return app;

        HomeAssistantDiscovery HomeAssistant(IServiceProvider sp)
        {
            var discovery = new HomeAssistantDiscovery(options.Mqtt, options.Cameras, sp.GetRequiredService<IObjectDetector>().ClassNames);
            sp.GetRequiredService<HistoryService>().SnapshotSaved += discovery.OfferSnapshot;
            return discovery;
        }
    }
}
