using Microsoft.Extensions.Options;

namespace ParNetDetect.Service.Configuration;

/// <summary>
/// Range checks of the history and Home Assistant settings: one of the validators of the service's
/// <see cref="IOptions{ServiceOptions}"/>, beside <see cref="ServiceOptionsSetup"/>, so the host runs it when it first
/// reads the options (at the latest at start, ValidateOnStart) and its failures join the one list of bad fields. The
/// history folder itself is not checked here: a folder that cannot be written turns the history off with one line,
/// and detection goes on.
/// </summary>
public sealed class HistoryOptionsValidator : IValidateOptions<ServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceOptions options) =>
        Problems(options) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    /// <summary>Each problem as "Detect:Field: what is wrong", worded as <see cref="ServiceOptionsValidator"/> does.</summary>
    public static IReadOnlyList<string> Problems(ServiceOptions o)
    {
        var problems = new List<string>();
        void Check(bool ok, string path, string message)
        {
            if (!ok) problems.Add($"{ServiceOptions.SectionName}:{path}: {message}");
        }
        void Range(double value, double min, double max, string path) =>
            Check(value >= min && value <= max && !double.IsNaN(value), path, $"must be in [{min}, {max}] (got {value}).");

        var h = o.History;
        if (h.Enabled)
        {
            Check(!string.IsNullOrWhiteSpace(h.Directory), "History:Directory", "is required when History:Enabled is true.");
            Check(!string.IsNullOrWhiteSpace(h.FfmpegPath), "History:FfmpegPath", "is required (\"ffmpeg\" or a full path).");
        }
        Range(h.QueueCapacity, 1, 1_000_000, "History:QueueCapacity");
        Range(h.MinFreeDiskMB, 0, 1e9, "History:MinFreeDiskMB");
        Range(h.RetentionIntervalSeconds, 0.1, 86400, "History:RetentionIntervalSeconds");
        for (int i = 0; i < o.Cameras.Count; i++)
        {
            var c = o.Cameras[i].History;
            string p = $"Cameras:{i}:History";
            Range(c.EventDays, 0.001, 36500, $"{p}:EventDays");
            Range(c.ClipDays, 0.001, 36500, $"{p}:ClipDays");
            Range(c.PreRollSeconds, 0, 60, $"{p}:PreRollSeconds");
            Range(c.PostRollSeconds, 0, 600, $"{p}:PostRollSeconds");
            Range(c.MaxClipSeconds, 1, 3600, $"{p}:MaxClipSeconds");
            Range(c.MaxDiskMB, 1, 1e9, $"{p}:MaxDiskMB");
        }
        var ha = o.Mqtt.HomeAssistant;
        if (o.Mqtt.Enabled && ha.Enabled)
            Check(!string.IsNullOrWhiteSpace(ha.DiscoveryPrefix) && !ha.DiscoveryPrefix.Contains('#') && !ha.DiscoveryPrefix.Contains('+'),
                "Mqtt:HomeAssistant:DiscoveryPrefix", "must be non-empty and free of the wildcards '#' and '+'.");
        return problems;
    }
}
