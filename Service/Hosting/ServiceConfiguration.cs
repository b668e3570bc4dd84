using System.Text;
using System.Text.Json;
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
    /// Binds and validates the "Detect" section; throws one <see cref="ConfigurationException"/> naming every bad
    /// field: unknown keys, values of the wrong type, values out of range and whatever <paramref name="alsoCheck"/>
    /// finds (the runner passes <see cref="OutputPaths.Problems"/>), all in one run.
    /// </summary>
    public static ServiceOptions Bind(IConfiguration configuration, Func<ServiceOptions, IReadOnlyList<string>>? alsoCheck = null)
    {
        var section = configuration.GetSection(ServiceOptions.SectionName);
        var bad = new List<(string Path, string Problem)>();
        CheckKeys(section, typeof(ServiceOptions), bad);
        // The binder stops at the first value it cannot convert, so bind what is left without the bad values: the
        // range checks then still report every other field.
        var good = section.AsEnumerable().Where(kv => !bad.Any(b => IsAtOrBelow(kv.Key, b.Path)));
        var options = new ServiceOptions();
        try
        {
            new ConfigurationBuilder().AddInMemoryCollection(good).Build().GetSection(ServiceOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e) // a conversion the checks above did not foresee
        {
            throw ConfigurationException.Listing(bad.Select(b => $"{b.Path}: {b.Problem}").Append(e.Message));
        }
        // A range check on a bad value's field or its container (a point with a bad coordinate) would repeat it.
        var outOfRange = ServiceOptionsValidator.Validate(options)
            .Where(error => !bad.Any(b => IsAtOrBelow(b.Path, FieldOf(error)) && Depth(b.Path) - Depth(FieldOf(error)) <= 1));
        var problems = bad.Select(b => $"{b.Path}: {b.Problem}").Concat(outOfRange).Concat(alsoCheck?.Invoke(options) ?? []).ToList();
        if (problems.Count > 0) throw ConfigurationException.Listing(problems);
        return options;
    }

    static bool IsAtOrBelow(string path, string ancestor) =>
        path.Equals(ancestor, StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith(ancestor + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase);

    static int Depth(string path) => path.Count(c => c == ':');

    static string FieldOf(string error) => error[..error.IndexOf(": ", StringComparison.Ordinal)];

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
    /// Reports every key under <paramref name="section"/> that no property of <paramref name="type"/> binds, every
    /// value that does not convert to its property's type, and every plain value given for a section or list. (The
    /// binder itself silently drops a list item with a bad value, which would turn a typo into a missing camera.)
    /// </summary>
    static void CheckKeys(IConfigurationSection section, Type type, List<(string Path, string Problem)> bad)
    {
        Type? element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
        foreach (var child in section.GetChildren())
        {
            Type? childType = element ?? type.GetProperty(child.Key,
                System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)?.PropertyType;
            childType = childType == null ? null : Nullable.GetUnderlyingType(childType) ?? childType;
            if (childType == null)
                bad.Add((child.Path, "unknown setting (misspelt?)."));
            else if (childType.IsPrimitive || childType.IsEnum)
            {
                if (child.Value != null && !Converts(child.Value, childType))
                    bad.Add((child.Path, $"'{child.Value}' is not a valid {childType.Name}."));
            }
            else if (childType != typeof(string))
            {
                if (!string.IsNullOrEmpty(child.Value))
                    bad.Add((child.Path, $"'{child.Value}' is a value, but this setting is a " +
                        (childType.IsArray || childType.IsGenericType ? "list ([ ... ])." : "section ({ ... }).")));
                else
                    CheckKeys(child, childType, bad);
            }
        }
    }
}
