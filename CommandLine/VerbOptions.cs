using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ParNetDetect.CommandLine;

/// <summary>
/// Options made one way for every command: numbers parsed invariantly with their range in the message
/// ("--epochs must be a whole number in [1, 100000] (got 'x')."), switches that also take an explicit true/false.
/// </summary>
public static class VerbOptions
{
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<string> Text(string name, string fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    /// <summary>A value with no default: null when not given, unless <paramref name="required"/>.</summary>
    public static Option<string?> Text(string name, string description, bool required = false) =>
        new(name) { Description = description, Required = required };

    public static Option<int> Int(string name, int fallback, string description, int min = int.MinValue, int max = int.MaxValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            CustomParser = r => ParseInt(r, name, min, max) ?? fallback,
        };

    /// <summary>A whole number with no default: null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = int.MinValue, int max = int.MaxValue) =>
        new(name) { Description = description, CustomParser = r => ParseInt(r, name, min, max) };

    public static Option<double> Number(string name, double fallback, string description, double min = double.MinValue,
        double max = double.MaxValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            CustomParser = r => ParseNumber(r, name, min, max) ?? fallback,
        };

    /// <summary>A number with no default: null when not given.</summary>
    public static Option<double?> OptionalNumber(string name, string description, double min = double.MinValue,
        double max = double.MaxValue) =>
        new(name) { Description = description, CustomParser = r => ParseNumber(r, name, min, max) };

    static double? ParseNumber(ArgumentResult r, string name, double min, double max)
    {
        string raw = Raw(r);
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max)
            return value;
        r.AddError($"{name} must be a number in [{min}, {max}] (got '{raw}').");
        return null;
    }

    static int? ParseInt(ArgumentResult r, string name, int min, int max)
    {
        string raw = Raw(r);
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
            return value;
        r.AddError($"{name} must be a whole number in [{min}, {max}] (got '{raw}').");
        return null;
    }

    static string Raw(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
}
