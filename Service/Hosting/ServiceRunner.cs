using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ParNetDetect.Imaging.Video;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Hosting;

/// <summary>Runs the service in the foreground until SIGTERM/Ctrl+C and maps failures to exit codes.</summary>
public static class ServiceRunner
{
    /// <summary>sysexits' EX_CONFIG; the systemd unit lists it in RestartPreventExitStatus, so a bad configuration
    /// is reported once instead of restarted in a loop.</summary>
    public const int ConfigurationError = 78;

    public static async Task<int> RunAsync(string? configFile, IReadOnlyDictionary<string, string?>? defaults,
        IReadOnlyDictionary<string, string?>? overrides, ServiceHostSettings settings)
    {
        WebApplication app;
        try
        {
            var options = ServiceConfiguration.Bind(ServiceConfiguration.Load(configFile, defaults, overrides), OutputPaths.Problems);
            app = ServiceHost.Build(options, settings);
        }
        catch (ConfigurationException e)
        {
            await settings.ErrorOutput.WriteLineAsync($"detect serve: {CredentialMask.Apply(e.Message)}");
            return ConfigurationError;
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ParNetDetect.Service");
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException) // e.g. the HTTP port is taken
        {
            // Cameras and sinks start only once HTTP listens (AfterListeningService), so nothing ran that needs
            // stopping (and a stop would log "Application is shutting down"). One line says why (the host's own
            // report is filtered out of the log); Logging:Level Debug adds the details.
            logger.LogDebug(e, "Start failed");
            await app.DisposeAsync();
            await settings.ErrorOutput.WriteLineAsync($"detect serve: could not start: {CredentialMask.Apply(e.Message)}");
            return 1;
        }
        foreach (string url in ListeningUrls(app))
            logger.LogInformation("Live view: {Url}/", url.TrimEnd('/'));
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    public static IEnumerable<string> ListeningUrls(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
}
