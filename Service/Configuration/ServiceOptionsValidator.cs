using System.Net;
using System.Text.RegularExpressions;
using ParNetDetect.Imaging.Video;

namespace ParNetDetect.Service.Configuration;

/// <summary>Thrown at start for a configuration the service cannot run with; the message names every bad field.</summary>
public sealed class ConfigurationException(string message) : Exception(message)
{
    /// <summary>"invalid configuration:" and one indented line per problem ("Detect:Field: what is wrong").</summary>
    public static ConfigurationException Listing(IEnumerable<string> problems) =>
        new("invalid configuration:\n  " + string.Join("\n  ", problems));
}

/// <summary>
/// Checks a bound <see cref="ServiceOptions"/> before anything starts. Every problem is reported with its
/// configuration path (e.g. <c>Detect:Cameras:1:Confidence</c>), all at once, so one run shows the whole fix.
/// </summary>
public static partial class ServiceOptionsValidator
{
    /// <summary>Shortest accepted <see cref="HttpOptions.ApiKey"/>: anything shorter is guessable.</summary>
    public const int MinApiKeyLength = 16;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex CameraIdPattern();

    public static IReadOnlyList<string> Validate(ServiceOptions o)
    {
        var errors = new List<string>();
        void Check(bool ok, string path, string message)
        {
            if (!ok) errors.Add($"{ServiceOptions.SectionName}:{path}: {message}");
        }
        void Range(double value, double min, double max, string path) =>
            Check(value >= min && value <= max && !double.IsNaN(value), path, $"must be in [{min}, {max}] (got {value}).");

        Check(!string.IsNullOrWhiteSpace(o.Detector.Weights), "Detector:Weights", "is required (a weights file or \"demo\").");
        Range(o.Detector.Threads, 0, 256, "Detector:Threads");
        Range(o.Detector.IouThreshold, 0, 1, "Detector:IouThreshold");
        Check(o.Detector.ImageSize == 0 || o.Detector.ImageSize is >= 32 and <= 4096 && o.Detector.ImageSize % 32 == 0, "Detector:ImageSize",
            $"must be 0 (the model's own) or a multiple of 32 from 32 to 4096 (got {o.Detector.ImageSize}).");
        Range(o.ShutdownTimeoutSeconds, 1, 300, "ShutdownTimeoutSeconds");
        Range(o.Watchdog.StallSeconds, 1, 3600, "Watchdog:StallSeconds");

        Check(o.Cameras.Count > 0, "Cameras", "at least one camera is required.");
        if (!string.IsNullOrWhiteSpace(o.Shard) && !o.Shard.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
            try { Sharding.Shard.Parse(o.Shard); }
            catch (ArgumentException e) { Check(false, "Shard", e.Message); }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < o.Cameras.Count; i++)
            ValidateCamera(o.Cameras[i], $"Cameras:{i}", ids, Check, Range);

        Range(o.Events.MaxFileBytes, 4096, long.MaxValue, "Events:MaxFileBytes");
        Range(o.Events.RetainedFiles, 0, 1000, "Events:RetainedFiles");
        Range(o.Events.QueueCapacity, 1, 1_000_000, "Events:QueueCapacity");
        Range(o.Events.MaxSnapshotsPerCamera, 1, 10_000_000, "Events:MaxSnapshotsPerCamera");

        if (o.Mqtt.Enabled)
        {
            Check(!string.IsNullOrWhiteSpace(o.Mqtt.Host), "Mqtt:Host", "is required when Mqtt:Enabled is true.");
            Range(o.Mqtt.Port, 1, 65535, "Mqtt:Port");
            Check(!string.IsNullOrWhiteSpace(o.Mqtt.TopicPrefix) && !o.Mqtt.TopicPrefix.Contains('#') && !o.Mqtt.TopicPrefix.Contains('+'),
                "Mqtt:TopicPrefix", "must be non-empty and free of the wildcards '#' and '+'.");
            Check(o.Mqtt.StatusTopic is null || o.Mqtt.StatusTopic.IndexOfAny(['#', '+']) < 0, "Mqtt:StatusTopic", "must be free of the wildcards '#' and '+'.");
        }

        Range(o.Http.JpegQuality, 1, 100, "Http:JpegQuality");
        Range(o.Http.StreamFps, 0.1, 60, "Http:StreamFps");
        // Empty is unset (an empty environment variable); anything else must be a real key, since it opens the API
        // beyond loopback. Whitespace is refused: a header value loses it at the ends, and "  " is no secret.
        bool hasKey = !string.IsNullOrEmpty(o.Http.ApiKey);
        if (hasKey)
            Check(o.Http.ApiKey!.Length >= MinApiKeyLength && !o.Http.ApiKey.Any(char.IsWhiteSpace), "Http:ApiKey",
                $"must be at least {MinApiKeyLength} characters without spaces (make one with `openssl rand -hex 24`).");
        Check(SplitUrls(o.Http.Urls).Any(), "Http:Urls", "at least one listen URL is required.");
        foreach (string url in SplitUrls(o.Http.Urls))
        {
            // Kestrel's wildcard hosts (http://*:8080, http://+:8080) mean every interface.
            string parsed = url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
            if (!Uri.TryCreate(parsed, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
                Check(false, "Http:Urls", $"'{url}' is not an http:// or https:// URL.");
            else
                Check(IsLoopback(uri.Host) || hasKey, "Http:Urls",
                    $"'{url}' listens beyond loopback; set Detect:Http:ApiKey to allow that.");
        }

        Check(Enum.TryParse<Serilog.Events.LogEventLevel>(o.Logging.Level, ignoreCase: true, out _), "Logging:Level",
            $"'{o.Logging.Level}' is not one of Verbose, Debug, Information, Warning, Error, Fatal.");
        return errors;
    }

    /// <summary>Throws one <see cref="ConfigurationException"/> listing every problem, if any: these checks and the
    /// history's (<see cref="HistoryOptionsValidator"/>), as the options system runs them for a configuration.</summary>
    public static void ThrowIfInvalid(ServiceOptions o)
    {
        var errors = Validate(o).Concat(HistoryOptionsValidator.Problems(o)).ToList();
        if (errors.Count > 0)
            throw ConfigurationException.Listing(errors);
    }

    public static IEnumerable<string> SplitUrls(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    static void ValidateCamera(CameraOptions c, string p, HashSet<string> ids,
        Action<bool, string, string> check, Action<double, double, double, string> range)
    {
        check(CameraIdPattern().IsMatch(c.Id), $"{p}:Id", $"'{c.Id}' must be 1-64 letters, digits, '-' or '_'.");
        check(ids.Add(c.Id), $"{p}:Id", $"'{c.Id}' is used by another camera.");
        check(!string.IsNullOrWhiteSpace(c.Source), $"{p}:Source", "is required (file, /dev/videoN, device index, rtsp:// or http:// URL).");
        if (FrameSources.SchemeProblem(c.Source) is { } problem)
            check(false, $"{p}:Source", problem);
        range(c.FpsCap, 0, 1000, $"{p}:FpsCap");
        range(c.Width, 0, 16384, $"{p}:Width");
        range(c.Height, 0, 16384, $"{p}:Height");
        check((c.Width == 0) == (c.Height == 0), $"{p}:Width", "Width and Height are set together or not at all.");
        range(c.Motion.PixelThreshold, 1, 255, $"{p}:Motion:PixelThreshold");
        range(c.Motion.MinChangedFraction, 0, 1, $"{p}:Motion:MinChangedFraction");
        range(c.Motion.HoldSeconds, 0, 3600, $"{p}:Motion:HoldSeconds");
        range(c.Reconnect.InitialDelaySeconds, 0.01, 3600, $"{p}:Reconnect:InitialDelaySeconds");
        range(c.Reconnect.MaxDelaySeconds, c.Reconnect.InitialDelaySeconds, 3600, $"{p}:Reconnect:MaxDelaySeconds");
        range(c.Reconnect.MaxAttempts, 0, int.MaxValue, $"{p}:Reconnect:MaxAttempts");
        range(c.Reconnect.ReadTimeoutSeconds, 0.1, 3600, $"{p}:Reconnect:ReadTimeoutSeconds");
        range(c.Tracker.MatchIou, 0.01, 1, $"{p}:Tracker:MatchIou");
        range(c.Tracker.MinHits, 1, 1000, $"{p}:Tracker:MinHits");
        range(c.Tracker.LostAfterSeconds, 0.05, 3600, $"{p}:Tracker:LostAfterSeconds");
        range(c.Tracker.StationarySeconds, 0, 86400, $"{p}:Tracker:StationarySeconds");
        ObjectFilterValidator.Validate(c, p, check, range);
        for (int z = 0; z < c.Zones.Count; z++)
        {
            var zone = c.Zones[z];
            string zp = $"{p}:Zones:{z}";
            check(!string.IsNullOrWhiteSpace(zone.Name), $"{zp}:Name", "is required.");
            Polygon(zone.Points, $"{zp}:Points", check);
        }
        check(c.Zones.Select(z => z.Name).Distinct().Count() == c.Zones.Count, $"{p}:Zones", "zone names must be unique.");
        for (int m = 0; m < c.ObjectMasks.Count; m++)
            Polygon(c.ObjectMasks[m], $"{p}:ObjectMasks:{m}", check);
        for (int m = 0; m < c.Motion.Masks.Count; m++)
            Polygon(c.Motion.Masks[m], $"{p}:Motion:Masks:{m}", check);
    }

    /// <summary>Zones and masks alike: at least three points, each inside the frame (normalized to [0, 1]).</summary>
    static void Polygon(List<double[]> points, string path, Action<bool, string, string> check)
    {
        check(points.Count >= 3, path, $"a polygon needs at least 3 points (got {points.Count}).");
        for (int k = 0; k < points.Count; k++)
            check(points[k].Length == 2 && points[k].All(v => v is >= 0 and <= 1), $"{path}:{k}",
                "must be an [x, y] pair normalized to [0, 1] of the frame.");
    }
}
