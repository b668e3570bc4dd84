using ParNetDetect.Service.Configuration;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ParNetDetect.Service.Hosting;

/// <summary>
/// Serilog set-up. Under systemd (JOURNAL_STREAM set) console lines carry a syslog priority prefix such as
/// &lt;4&gt;, which journald turns into the entry's priority (so `journalctl -p warning` works), and no timestamp
/// (journald adds its own). An optional rolling file holds compact JSON with every structured property
/// (CameraId, ObjectId, ...), one file per day. Every output passes through <see cref="CredentialMaskingSink"/>.
/// </summary>
public static class ServiceLogging
{
    public static LoggerConfiguration Configure(LoggerConfiguration config, LoggingOptions options)
    {
        var level = Enum.Parse<LogEventLevel>(options.Level, ignoreCase: true);
        config.MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Filter.ByExcluding(IsHostStartFailure)
            .Enrich.FromLogContext();
        bool journal = Environment.GetEnvironmentVariable("JOURNAL_STREAM") != null;
        if (journal) config.Enrich.With<SyslogPriority>();
        return config.WriteTo.Sink(LoggerSinkConfiguration.Wrap(sink => new CredentialMaskingSink(sink), to =>
        {
            to.Console(outputTemplate: journal ? "<{SyslogPriority}>{Message:lj}{NewLine}{Exception}"
                : "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}");
            if (!string.IsNullOrWhiteSpace(options.FilePath))
                to.File(new CompactJsonFormatter(), options.FilePath, rollingInterval: RollingInterval.Day,
                    retainedFileCountLimit: options.RetainedFiles, shared: false);
        }));
    }

    /// <summary>The host's own "Hosting failed to start" with a stack trace: ServiceRunner reports a failed start
    /// in one line instead (e.g. "could not start: Failed to bind to address ...: address already in use.").</summary>
    static bool IsHostStartFailure(LogEvent e) =>
        e.Properties.TryGetValue("EventId", out var id) && id is StructureValue s &&
        s.Properties.Any(p => p is { Name: "Name", Value: ScalarValue { Value: "HostedServiceStartupFaulted" } }) &&
        e.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" };

    sealed class SyslogPriority : ILogEventEnricher
    {
        public void Enrich(LogEvent e, ILogEventPropertyFactory factory) =>
            e.AddPropertyIfAbsent(factory.CreateProperty("SyslogPriority", e.Level switch
            {
                LogEventLevel.Fatal => 2,
                LogEventLevel.Error => 3,
                LogEventLevel.Warning => 4,
                LogEventLevel.Information => 6,
                _ => 7,
            }));
    }
}
