// Event history benchmarks (bench/service/run.sh history-api|history-record):
//   history-api:    N events (default 100,000) written into a new history through the writer, then the service runs on
//                   the video with that history and each kind of /api/events page is fetched R times: p50, p95, max.
//   history-record: four cameras on the video in real time at a high event rate, recording off and then on (clips,
//                   a small disk budget, retention every 10 s): detection frames/s, events, disk held against the
//                   budget and resident memory every 10 s.
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.History;
using ParNetDetect.Service.Hosting;
using ParNetDetect.Service.Pipeline;
using ParNetDetect.Service.Tracking;

static class HistoryBench
{
    static readonly string[] Labels = ["circle", "square", "triangle", "star", "cross", "hexagon"];
    static readonly string[] Zones = ["gate", "drive"];

    public static async Task ApiAsync(IObjectDetector detector, string video, int events, int requests, double fpsCap, string outDir)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"history-bench-{Environment.ProcessId}");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var now = DateTimeOffset.UtcNow;
        double seedSeconds = Seed(folder, events, now);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {events} events in {seedSeconds:0.0} s ({events / seedSeconds:0} events/s)"));

        var camera = new CameraOptions
        {
            Id = "cam0", Source = video, Loop = true, FpsCap = fpsCap, Confidence = 0.25,
            History = new CameraHistoryOptions { EventDays = 3650 }, // the seeded month must not expire
        };
        var app = Build(detector, [camera], folder);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(ServiceRunner.ListeningUrls(app).First()) };
        var history = app.Services.GetRequiredService<HistoryService>();
        while (history.Queries == null) await Task.Delay(50);

        // A page deep into one camera's events: follow the cursor 20 pages down (fewer in a small history).
        string deep = "/api/events?camera=cam3&limit=50";
        for (int page = 0; page < 20; page++)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(deep));
            if (!doc.RootElement.TryGetProperty("nextCursor", out var next)) break;
            deep = $"/api/events?camera=cam3&limit=50&cursor={next.GetString()}";
        }
        string day = Uri.EscapeDataString(now.AddDays(-20).ToString("O")), nextDay = Uri.EscapeDataString(now.AddDays(-19).ToString("O"));
        var kinds = new (string Name, string Url)[]
        {
            ("newest", "/api/events?limit=50"),
            ("camera", "/api/events?camera=cam2&limit=50"),
            ("label", "/api/events?label=star&limit=50"),
            ("zone", "/api/events?zone=gate&limit=50"),
            ("camera+label+zone", "/api/events?camera=cam1&label=circle&zone=drive&limit=50"),
            ("one day", $"/api/events?after={day}&before={nextDay}&limit=50"),
            ("camera, page 21", deep),
            ("one event", $"/api/events/{events / 2 + 1}"), // ids count from 1 in the new history
        };
        var lines = new List<string>();
        foreach (var (name, url) in kinds)
        {
            for (int i = 0; i < 5; i++) await http.GetStringAsync(url); // warm-up
            var ms = new List<double>();
            for (int i = 0; i < requests; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await http.GetStringAsync(url);
                ms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            ms.Sort();
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"history-api | {events} events | {name,-18} | p50 {ms[ms.Count / 2],6:0.0} ms | p95 {ms[(int)(ms.Count * 0.95)],6:0.0} ms | max {ms[^1],6:0.0} ms"));
            Console.WriteLine(lines[^1]);
        }
        File.AppendAllLines(Path.Combine(outDir, "history-api.txt"), lines);
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Writes the events through the history's own writer: four cameras, six labels, zones, over 30 days.</summary>
    static double Seed(string folder, int events, DateTimeOffset now)
    {
        var cameras = Enumerable.Range(0, 4).Select(i =>
            new CameraHistory($"cam{i}", new CameraHistoryOptions(), null, new FrameAnnotator([], new ObjectMask([]), 75), 75)).ToDictionary(c => c.Camera);
        var writer = new HistoryWriter(new HistoryOptions { Directory = folder, QueueCapacity = 1_000_000 }, cameras,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        writer.Start();
        var rng = new Random(14);
        var clock = Stopwatch.StartNew();
        var span = TimeSpan.FromDays(30);
        for (int i = 0; i < events; i++)
        {
            var start = now - span + span * ((double)i / events);
            string camera = $"cam{rng.Next(4)}", label = Labels[rng.Next(Labels.Length)];
            string[] zones = Zones.Where(_ => rng.Next(3) == 0).ToArray();
            var box = new BoxJson(10, 20, 110, 220);
            ObjectEvent Event(string type, double seconds, string? zone, string[] inZones) =>
                new(type, camera, i + 1, label, 0.5f + rng.NextSingle() / 2, box, zone, inZones, start.AddSeconds(seconds), start, null);
            writer.TryWrite(Event("new", 0.5, null, []));
            for (int z = 0; z < zones.Length; z++) writer.TryWrite(Event("entered", 1 + z, zones[z], zones[..(z + 1)]));
            writer.TryWrite(Event("gone", 5 + rng.Next(60), null, zones));
            if (i % 10_000 == 9_999) writer.RetainAsync(0, false).GetAwaiter().GetResult(); // keep the queue short
        }
        writer.RetainAsync(0, false).GetAwaiter().GetResult();
        double seconds = clock.Elapsed.TotalSeconds;
        writer.Stop(TimeSpan.FromMinutes(5));
        foreach (var c in cameras.Values) c.Dispose();
        return seconds;
    }

    public static async Task RecordAsync(IObjectDetector detector, string video, double seconds, double fpsCap, double budgetMB, string outDir)
    {
        var summary = new List<string>();
        double? offFps = null;
        foreach (bool recording in new[] { false, true })
        {
            string folder = Path.Combine(Path.GetTempPath(), $"history-bench-record-{Environment.ProcessId}");
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            var cameras = Enumerable.Range(0, 4).Select(i => new CameraOptions
            {
                Id = $"cam{i}", Source = video, Loop = true, RealTime = true, FpsCap = fpsCap, Confidence = 0.25,
                // A high event rate: tracks break and end quickly, so objects come and go all the time.
                Tracker = new TrackerOptions { MatchIou = 0.5, MinHits = 2, LostAfterSeconds = 0.5 },
                Zones = [new ZoneOptions { Name = "left", Points = [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] }],
                History = new CameraHistoryOptions { Clips = recording, PreRollSeconds = 2, PostRollSeconds = 2, MaxClipSeconds = 60, MaxDiskMB = budgetMB },
            }).ToList();
            var app = Build(detector, cameras, folder, retentionSeconds: 10);
            await app.StartAsync();
            var runtimes = app.Services.GetRequiredService<CameraRegistry>().All;
            var history = app.Services.GetRequiredService<HistoryService>();
            string csv = Path.Combine(outDir, $"history-record-{(recording ? "on" : "off")}.csv");
            await using var rows = new StreamWriter(csv) { AutoFlush = true };
            await rows.WriteLineAsync("seconds,rss_mib,detected,events,history_mib,clips_written,clip_frames_dropped,events_dropped");
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, seconds / 6))); // warm-up
            long detected0 = runtimes.Sum(c => c.Metrics.Detected.Count), events0 = runtimes.Sum(c => c.Metrics.Events);
            var clock = Stopwatch.StartNew();
            var rss = new List<(double T, double Mib)>();
            double maxDisk = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, seconds / 6)));
                double t = clock.Elapsed.TotalSeconds, mib = Environment.WorkingSet / 1048576.0, disk = FolderBytes(folder) / 1048576.0;
                rss.Add((t, mib));
                maxDisk = Math.Max(maxDisk, disk);
                await rows.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{t:0},{mib:0.0},{runtimes.Sum(c => c.Metrics.Detected.Count)},{runtimes.Sum(c => c.Metrics.Events)},{disk:0.0}," +
                    $"{history.Cameras.Sum(c => c.Recorder?.Written ?? 0)},{history.Cameras.Sum(c => c.Recorder?.DroppedFrames ?? 0)},{history.Writer!.Dropped}"));
            }
            double fps = (runtimes.Sum(c => c.Metrics.Detected.Count) - detected0) / clock.Elapsed.TotalSeconds;
            double eventsPerMinute = (runtimes.Sum(c => c.Metrics.Events) - events0) / clock.Elapsed.TotalMinutes;
            var warm = rss.First(r => r.T >= Math.Min(300, seconds / 4));
            offFps ??= fps;
            var writer = history.Writer!;
            summary.Add(FormattableString.Invariant(
                $"history-record | recording {(recording ? "on " : "off")} | {seconds / 60:0.#} min, 4 cameras | detection {fps:0.00} frames/s") +
                (recording ? FormattableString.Invariant($" ({(fps / offFps.Value - 1) * 100:+0.0;-0.0}% vs off)") : "") +
                FormattableString.Invariant($" | {eventsPerMinute:0} events/min, {writer.Dropped} dropped | history folder max {maxDisk:0.0} MiB (budget {4 * budgetMB:0} MiB of snapshots and clips)") +
                FormattableString.Invariant($" | clips {history.Cameras.Sum(c => c.Recorder?.Written ?? 0)} written, {history.Cameras.Sum(c => c.Recorder?.Failed ?? 0)} failed") +
                FormattableString.Invariant($" | RSS after warm-up {warm.Mib:0} MiB, end {rss[^1].Mib:0} MiB ({(rss[^1].Mib - warm.Mib) / warm.Mib * 100:+0.0;-0.0}%)"));
            Console.WriteLine(summary[^1]);
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
        File.AppendAllLines(Path.Combine(outDir, "history-record.txt"), summary);
    }

    static WebApplication Build(IObjectDetector detector, List<CameraOptions> cameras, string folder, double retentionSeconds = 60)
    {
        var options = new ServiceOptions
        {
            Cameras = cameras,
            Events = new EventOptions { JsonLinesPath = "" },
            History = new HistoryOptions { Directory = folder, RetentionIntervalSeconds = retentionSeconds, MinFreeDiskMB = 0 },
            Http = new HttpOptions { Urls = "http://127.0.0.1:0" },
            Logging = new LoggingOptions { Level = "Warning" },
        };
        ServiceOptionsValidator.ThrowIfInvalid(options);
        return ServiceHost.Build(options, new ServiceHostSettings { CreateDetector = _ => new NonOwning(detector) });
    }

    static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
}
