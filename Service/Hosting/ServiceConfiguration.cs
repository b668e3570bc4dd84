using Microsoft.Extensions.Configuration;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Hosting;

/// <summary>
/// Reads the configuration in order of precedence (later wins): built-in defaults, the JSON file, environment
/// variables with the
/// PARNET_ prefix (<c>PARNET_Detect__Mqtt__Enabled=true</c>), then explicit overrides (command-line options).
/// Binding rejects keys the options do not have, so a typo is an error rather than a silently ignored setting.
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
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new ConfigurationException($"configuration file '{configFile}' is not valid JSON: {e.InnerException?.Message ?? e.Message}");
        }
    }

    /// <summary>Binds and validates the "Detect" section; throws one <see cref="ConfigurationException"/> naming every bad field.</summary>
    public static ServiceOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(ServiceOptions.SectionName);
        var problems = new List<string>();
        CheckKeys(section, typeof(ServiceOptions), problems);
        if (problems.Count > 0)
            throw ConfigurationException.Listing(problems);
        var options = new ServiceOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException("invalid configuration: " + e.Message);
        }
        ServiceOptionsValidator.ThrowIfInvalid(options);
        return options;
    }

    static bool Converts(string value, Type type)
    {
        try
        {
            System.ComponentModel.TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reports every key under <paramref name="section"/> that no property of <paramref name="type"/> binds, and
    /// every value that does not convert to its property's type. (The binder itself silently drops a list item
    /// with a bad value, which would turn a typo into a missing camera.)
    /// </summary>
    static void CheckKeys(IConfigurationSection section, Type type, List<string> problems)
    {
        Type? element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
        foreach (var child in section.GetChildren())
        {
            Type? childType = element ?? type.GetProperty(child.Key,
                System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)?.PropertyType;
            childType = childType == null ? null : Nullable.GetUnderlyingType(childType) ?? childType;
            if (childType == null)
                problems.Add($"{child.Path}: unknown setting (misspelt?).");
            else if (childType.IsPrimitive || childType.IsEnum)
            {
                if (child.Value != null && !Converts(child.Value, childType))
                    problems.Add($"{child.Path}: '{child.Value}' is not a valid {childType.Name}.");
            }
            else if (childType != typeof(string))
                CheckKeys(child, childType, problems);
        }
    }
}
