using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ParNetDetect.Service.Configuration;

/// <summary>
/// How the "Detect" section becomes the host's <see cref="IOptions{ServiceOptions}"/>: <see cref="Configure"/> binds
/// it strictly and <see cref="Validate"/> names every bad field, all in one list: unknown keys, values of the wrong
/// type, values out of range (<see cref="ServiceOptionsValidator"/>) and, for a service about to run, output paths
/// that cannot be written (<see cref="OutputPaths"/>). A value that does not convert is left out of the binding, so
/// it hides none of the other fields' problems.
/// </summary>
public sealed class ServiceOptionsSetup(IConfiguration configuration, bool checkOutputPaths)
    : IConfigureOptions<ServiceOptions>, IValidateOptions<ServiceOptions>
{
    // What binding found, per options instance: the options system runs Configure, then Validate, on each.
    readonly ConditionalWeakTable<ServiceOptions, Binding> _bindings = new();

    sealed record Binding(List<(string Path, string Problem)> Bad, string? Unforeseen);

    public void Configure(ServiceOptions options)
    {
        var section = configuration.GetSection(ServiceOptions.SectionName);
        var bad = new List<(string Path, string Problem)>();
        CheckKeys(section, typeof(ServiceOptions), bad);
        // The binder stops at the first value it cannot convert, so bind what is left without the bad values: the
        // range checks then still report every other field.
        var good = section.AsEnumerable().Where(kv => !bad.Any(b => IsAtOrBelow(kv.Key, b.Path)));
        string? unforeseen = null;
        try
        {
            new ConfigurationBuilder().AddInMemoryCollection(good).Build().GetSection(ServiceOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e) // a conversion the checks above did not foresee
        {
            unforeseen = e.Message;
        }
        _bindings.AddOrUpdate(options, new Binding(bad, unforeseen));
    }

    public ValidateOptionsResult Validate(string? name, ServiceOptions options)
    {
        var binding = _bindings.TryGetValue(options, out var found) ? found : new Binding([], null);
        var problems = binding.Bad.Select(b => $"{b.Path}: {b.Problem}").ToList();
        if (binding.Unforeseen != null)
            problems.Add(binding.Unforeseen); // the binding stopped part-way: what it left is not worth checking
        else
        {
            // A range check on a bad value's field or its container (a point with a bad coordinate) would repeat it.
            problems.AddRange(ServiceOptionsValidator.Validate(options).Where(error =>
                !binding.Bad.Any(b => IsAtOrBelow(b.Path, FieldOf(error)) && Depth(b.Path) - Depth(FieldOf(error)) <= 1)));
            if (checkOutputPaths) problems.AddRange(OutputPaths.Problems(options));
        }
        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    static bool IsAtOrBelow(string path, string ancestor) =>
        path.Equals(ancestor, StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith(ancestor + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase);

    static int Depth(string path) => path.Count(c => c == ':');

    static string FieldOf(string error) => error[..error.IndexOf(": ", StringComparison.Ordinal)];

    static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;

    static bool Converts(string value, Type type)
    {
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
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
        // A list's items and a dictionary's values (any key: Labels' label names) all bind to one element type.
        Type? element = type.IsArray ? type.GetElementType()
            : IsGeneric(type, typeof(List<>)) ? type.GetGenericArguments()[0]
            : IsGeneric(type, typeof(Dictionary<,>)) ? type.GetGenericArguments()[1] : null;
        foreach (var child in section.GetChildren())
        {
            Type? childType = element ?? type.GetProperty(child.Key,
                BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
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
                        (childType.IsArray || IsGeneric(childType, typeof(List<>)) ? "list ([ ... ])." : "section ({ ... }).")));
                else
                    CheckKeys(child, childType, bad);
            }
        }
    }
}
