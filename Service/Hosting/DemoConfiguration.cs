namespace ParNetDetect.Service.Hosting;

/// <summary>
/// What `detect serve` runs with no configuration file: one camera on a looping video of moving shapes, the
/// classes the bundled demo model knows, its events kept with clips in the history. The caller renders the video
/// (Data's DemoVideo, before the host starts).
/// </summary>
public static class DemoConfiguration
{
    /// <summary>Where the demo writes, relative to the working directory: under runs/ (git-ignored) rather than the
    /// service's default events/, since the demo usually runs in a checkout. docs/service.md names both.</summary>
    public const string EventsFile = "runs/serve/events.jsonl", SnapshotFolder = "runs/serve/snapshots", HistoryFolder = "runs/serve/history";

    /// <summary>The demo's settings, on the video at <paramref name="video"/>.</summary>
    public static IReadOnlyDictionary<string, string?> Defaults(string video)
    {
        return new Dictionary<string, string?>
        {
            ["Detect:Cameras:0:Id"] = "demo",
            ["Detect:Cameras:0:Source"] = video,
            ["Detect:Cameras:0:Loop"] = "true",
            ["Detect:Cameras:0:FpsCap"] = "10",
            ["Detect:Events:JsonLinesPath"] = EventsFile,
            ["Detect:Events:SnapshotDirectory"] = SnapshotFolder,
            ["Detect:History:Directory"] = HistoryFolder,
            ["Detect:Cameras:0:History:Clips"] = "true",
            ["Detect:Cameras:0:Zones:0:Name"] = "left-half",
            ["Detect:Cameras:0:Zones:0:Points:0:0"] = "0", ["Detect:Cameras:0:Zones:0:Points:0:1"] = "0",
            ["Detect:Cameras:0:Zones:0:Points:1:0"] = "0.5", ["Detect:Cameras:0:Zones:0:Points:1:1"] = "0",
            ["Detect:Cameras:0:Zones:0:Points:2:0"] = "0.5", ["Detect:Cameras:0:Zones:0:Points:2:1"] = "1",
            ["Detect:Cameras:0:Zones:0:Points:3:0"] = "0", ["Detect:Cameras:0:Zones:0:Points:3:1"] = "1",
        };
    }
}
