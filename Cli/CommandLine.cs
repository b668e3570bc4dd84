namespace ParNetDetect.Cli;

/// <summary>Thrown for a bad command line; the message is shown with the verb's usage and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The parsed arguments of one verb: `--name value`, `--name=value`, boolean `--flag`s and positionals.
/// Every option a verb reads is checked off; <see cref="EnsureAllUsed"/> then rejects the unknown ones, so a
/// typo is an error rather than a silently ignored setting.
/// </summary>
public sealed class CommandLine
{
    readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _used = new(StringComparer.Ordinal);
    readonly List<string> _positionals = new();

    public CommandLine(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                if (pending != null) _options[pending] = null;
                int eq = arg.IndexOf('=');
                if (eq > 0) { _options[arg[2..eq]] = arg[(eq + 1)..]; pending = null; }
                else pending = arg[2..];
            }
            else if (pending != null) { _options[pending] = arg; pending = null; }
            else _positionals.Add(arg);
        }
        if (pending != null) _options[pending] = null;
    }

    public IReadOnlyList<string> Positionals => _positionals;

    public bool Has(string name) { _used.Add(name); return _options.ContainsKey(name); }

    /// <summary>A boolean flag; `--flag` alone is true. A value after it would be taken as the flag's value,
    /// so flags accept true/false explicitly and reject anything else.</summary>
    public bool Flag(string name)
    {
        if (!Has(name)) return false;
        string? value = _options[name];
        if (value == null) return true;
        return bool.TryParse(value, out bool b) ? b
            : throw new UsageException($"--{name} is a switch; it takes no value (got '{value}').");
    }

    public string? String(string name)
    {
        if (!Has(name)) return null;
        return _options[name] ?? throw new UsageException($"--{name} needs a value.");
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public string Required(string name) =>
        String(name) ?? throw new UsageException($"--{name} is required.");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? raw = String(name);
        if (raw == null) return fallback;
        if (!int.TryParse(raw, out int value) || value < min || value > max)
            throw new UsageException($"--{name} must be a whole number in [{min}, {max}] (got '{raw}').");
        return value;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        string? raw = String(name);
        if (raw == null) return fallback;
        if (!double.TryParse(raw, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double value) || value < min || value > max)
            throw new UsageException($"--{name} must be a number in [{min}, {max}] (got '{raw}').");
        return value;
    }

    /// <summary>Fails on options no verb code asked for and on positionals beyond <paramref name="maxPositionals"/>.</summary>
    public void EnsureAllUsed(int maxPositionals = 0)
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException("unknown option" + (unknown.Count > 1 ? "s " : " ") +
                                     string.Join(", ", unknown.Select(u => "--" + u)) + ".");
        if (_positionals.Count > maxPositionals)
            throw new UsageException($"unexpected argument '{_positionals[maxPositionals]}'.");
    }
}
