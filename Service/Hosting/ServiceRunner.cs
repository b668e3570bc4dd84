using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
            // Building reads the options, so a bad configuration stops here, before anything has started.
            app = ServiceHost.Build(ServiceConfiguration.Load(configFile, defaults, overrides), settings);
        }
        catch (Exception e) when (e is ConfigurationException or OptionsValidationException)
        {
            return await ConfigurationFailed(e, settings.ErrorOutput);
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ParNetDetect.Service");
        try
        {
            await app.StartAsync();
        }
        catch (OptionsValidationException e) // ValidateOnStart, had nothing read the options before
        {
            await app.DisposeAsync();
            return await ConfigurationFailed(e, settings.ErrorOutput);
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

    /// <summary>One message naming every bad field ("invalid configuration:" and a line each), credentials masked.</summary>
    static async Task<int> ConfigurationFailed(Exception e, TextWriter errors)
    {
        string message = e is OptionsValidationException v ? ConfigurationException.Listing(v.Failures).Message : e.Message;
        await errors.WriteLineAsync($"detect serve: {CredentialMask.Apply(message)}");
        return ConfigurationError;
    }

    public static IEnumerable<string> ListeningUrls(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
}
