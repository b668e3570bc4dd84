namespace ParNetDetect.Service.Configuration;

/// <summary>
/// Range checks of the history and Home Assistant settings, run by <see cref="ServiceOptionsValidator.Validate"/>
/// with its own check functions so their problems join the one list of bad fields. The history folder itself is
/// not checked here: a folder that cannot be written turns the history off with one line, and detection goes on.
/// </summary>
public static class HistoryOptionsValidator
{
    public static void Validate(ServiceOptions o, Action<bool, string, string> check, Action<double, double, double, string> range)
    {
        var h = o.History;
        if (h.Enabled)
        {
            check(!string.IsNullOrWhiteSpace(h.Directory), "History:Directory", "is required when History:Enabled is true.");
            check(!string.IsNullOrWhiteSpace(h.FfmpegPath), "History:FfmpegPath", "is required (\"ffmpeg\" or a full path).");
        }
        range(h.QueueCapacity, 1, 1_000_000, "History:QueueCapacity");
        range(h.MinFreeDiskMB, 0, 1e9, "History:MinFreeDiskMB");
        range(h.RetentionIntervalSeconds, 0.1, 86400, "History:RetentionIntervalSeconds");
        for (int i = 0; i < o.Cameras.Count; i++)
        {
            var c = o.Cameras[i].History;
            string p = $"Cameras:{i}:History";
            range(c.EventDays, 0.001, 36500, $"{p}:EventDays");
            range(c.ClipDays, 0.001, 36500, $"{p}:ClipDays");
            range(c.PreRollSeconds, 0, 60, $"{p}:PreRollSeconds");
            range(c.PostRollSeconds, 0, 600, $"{p}:PostRollSeconds");
            range(c.MaxClipSeconds, 1, 3600, $"{p}:MaxClipSeconds");
            range(c.MaxDiskMB, 1, 1e9, $"{p}:MaxDiskMB");
        }
        var ha = o.Mqtt.HomeAssistant;
        if (o.Mqtt.Enabled && ha.Enabled)
            check(!string.IsNullOrWhiteSpace(ha.DiscoveryPrefix) && !ha.DiscoveryPrefix.Contains('#') && !ha.DiscoveryPrefix.Contains('+'),
                "Mqtt:HomeAssistant:DiscoveryPrefix", "must be non-empty and free of the wildcards '#' and '+'.");
    }
}
