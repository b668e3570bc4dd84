using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Hosting;

/// <summary>
/// Reads the configuration in order of precedence (later wins): built-in defaults, the JSON file, environment
/// variables with the PARNET_ prefix (<c>PARNET_Detect__Mqtt__Enabled=true</c>), then explicit overrides
/// (command-line options); and makes the service's options of it. Binding rejects keys the options do not have, so
/// a typo is an error rather than a silently ignored setting.
/// </summary>
public static class ServiceConfiguration
{
    public const string EnvironmentPrefix = "PARNET_";

    public static IConfigurationRoot Load(string? configFile, IReadOnlyDictionary<string, string?>? defaults = null,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder();
        if (defaults != null) builder.AddInMemoryCollection(defaults);
        if (configFile != null)
        {
            string full = Path.GetFullPath(configFile);
            if (!File.Exists(full)) throw new ConfigurationException($"configuration file '{configFile}' does not exist.");
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides != null) builder.AddInMemoryCollection(overrides);
        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException)
        {
            throw new ConfigurationException($"configuration file '{configFile}' is not valid JSON: {JsonProblem(e, configFile!)}");
        }
    }

    /// <summary>
    /// "line L, column C: what is wrong", from the JsonException the JSON provider wraps twice, else the innermost
    /// message (e.g. a duplicate key). The reader counts bytes; the column counts characters, as an editor does.
    /// </summary>
    static string JsonProblem(Exception e, string file)
    {
        for (Exception? x = e; x != null; x = x.InnerException)
            if (x is JsonException { LineNumber: long line, BytePositionInLine: long bytes })
            {
                string what = x.Message;
                int suffix = what.IndexOf(" LineNumber:", StringComparison.Ordinal); // the position again, as text
                if (suffix >= 0) what = what[..suffix];
                byte[] text = Encoding.UTF8.GetBytes(File.ReadLines(file).ElementAtOrDefault((int)line) ?? "");
                return $"line {line + 1}, column {Encoding.UTF8.GetCharCount(text, 0, (int)Math.Min(bytes, text.Length)) + 1}: {what}";
            }
        while (e.InnerException != null) e = e.InnerException;
        return e.Message;
    }

    /// <summary>
    /// Registers the service's options: the "Detect" section of <paramref name="configuration"/>, bound and validated
    /// by <see cref="ServiceOptionsSetup"/> when first read, and at the latest when the host starts (ValidateOnStart).
    /// A bad configuration is one <see cref="OptionsValidationException"/> whose failures name every bad field.
    /// </summary>
    public static OptionsBuilder<ServiceOptions> AddServiceOptions(this IServiceCollection services,
        IConfiguration configuration, bool checkOutputPaths)
    {
        var setup = new ServiceOptionsSetup(configuration, checkOutputPaths);
        services.AddSingleton<IConfigureOptions<ServiceOptions>>(setup);
        services.AddSingleton<IValidateOptions<ServiceOptions>>(setup);
        return services.AddOptions<ServiceOptions>().ValidateOnStart();
    }

    /// <summary>
    /// The options as the host binds and validates them (<see cref="ServiceOptionsSetup"/>, through the options
    /// system's own factory), but without the output-path checks, which create folders: for reading a configuration
    /// without running it. Throws one <see cref="ConfigurationException"/> naming every bad field.
    /// </summary>
    public static ServiceOptions Bind(IConfiguration configuration)
    {
        var setup = new ServiceOptionsSetup(configuration, checkOutputPaths: false);
        try
        {
            return new OptionsFactory<ServiceOptions>([setup], [], [setup]).Create(Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            throw ConfigurationException.Listing(e.Failures);
        }
    }
}
