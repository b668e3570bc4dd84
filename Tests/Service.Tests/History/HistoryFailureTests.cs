using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.History;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests.History;

/// <summary>Bad input around the history: each is one clear line, and the service goes on detecting.</summary>
public class HistoryFailureTests
{
    /// <summary>The service's log lines (compact JSON) with the given message template.</summary>
    static List<JsonElement> LogLines(string logs, string template) =>
        Directory.GetFiles(logs).SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("@mt").GetString() == template).ToList();

    static (ServiceOptions Options, string Logs) Options(string dir, CameraOptions camera)
    {
        var options = TestHost.DefaultOptions(dir, camera);
        string logs = Path.Combine(dir, "logs");
        options.Logging = new LoggingOptions { Level = "Information", FilePath = Path.Combine(logs, "service-.log") };
        return (options, logs);
    }

    static async Task ExpectDetectingWithoutHistory(string dir, ServiceOptions options, string logs, string reason)
    {
        await using (var host = await TestHost.StartAsync(options, dir))
        {
            var camera = host.Cameras.Find("yard")!;
            await TestHost.WaitUntil(() => camera.Metrics.Events >= 2 && host.History.Writer?.Dropped >= 2, "events detected and dropped by the history");
            long detected = camera.Metrics.Detected.Count;
            await TestHost.WaitUntil(() => camera.Metrics.Detected.Count > detected + 5, "detection to go on");

            var ready = await host.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal($"unavailable: {reason}", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("history").GetString());
            var events = await host.Client.GetAsync("/api/events");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, events.StatusCode);
            Assert.Equal($"the event history is unavailable: {reason}",
                JsonDocument.Parse(await events.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
            string metrics = await host.Client.GetStringAsync("/metrics");
            Assert.Contains("parnet_history_up 0", metrics);
            Assert.Matches("parnet_events_dropped_total\\{stage=\"history\"\\} [1-9]", metrics);
        }
        var line = Assert.Single(LogLines(logs, "Event history is off: {Reason}; detection goes on"));
        Assert.Equal(reason, line.GetProperty("Reason").GetString());
        Assert.Equal("Error", line.GetProperty("@l").GetString());
    }

    [Fact]
    public async Task AnUnwritableHistoryFolderIsOneLineAndDetectionGoesOn()
    {
        string dir = TestVideos.TempDirectory();
        string blocker = Path.Combine(dir, "a-file");
        File.WriteAllText(blocker, "");
        var (options, logs) = Options(dir, TestHost.FileCamera("yard", TestVideos.MovingSquare(dir)));
        options.History.Directory = Path.Combine(blocker, "history");
        await ExpectDetectingWithoutHistory(dir, options, logs,
            $"folder '{blocker}/history' cannot be created or written: Could not find a part of the path '{blocker}/history'.");
    }

    [Fact]
    public async Task ADatabaseFromANewerBuildIsOneLineAndDetectionGoesOn()
    {
        string dir = TestVideos.TempDirectory();
        var (options, logs) = Options(dir, TestHost.FileCamera("yard", TestVideos.MovingSquare(dir)));
        Directory.CreateDirectory(options.History.Directory);
        string file = Path.Combine(options.History.Directory, HistoryDatabase.FileName);
        using (var c = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            c.Open();
            HistoryDatabase.Execute(c, "PRAGMA user_version = 99");
        }
        await ExpectDetectingWithoutHistory(dir, options, logs,
            $"'{file}' has schema version 99, newer than this version of parnet-detect knows ({SchemaMigrations.Current}); " +
            "run the newer version, or move the file away to start a new history");
    }

    [Fact]
    public async Task ACorruptDatabaseIsMovedAsideAndANewOneRecordsTheEvents()
    {
        string dir = TestVideos.TempDirectory();
        var (options, logs) = Options(dir, TestHost.FileCamera("yard", TestVideos.MovingSquare(dir)));
        Directory.CreateDirectory(options.History.Directory);
        File.WriteAllBytes(Path.Combine(options.History.Directory, HistoryDatabase.FileName), Enumerable.Repeat((byte)7, 10_000).ToArray());
        await using (var host = await TestHost.StartAsync(options, dir))
        {
            await TestHost.WaitUntil(() => host.History.Writer?.Written >= 2, "events in the new database");
            Assert.Contains("\"history\":\"ok\"", await host.Client.GetStringAsync("/readyz"));
        }
        var line = Assert.Single(LogLines(logs, "Event history: '{Path}' is not a usable database ({Error}); moved it to '{Aside}' and started a new one"));
        Assert.Equal("Warning", line.GetProperty("@l").GetString());
        Assert.True(File.Exists(line.GetProperty("Aside").GetString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AClipFfmpegCannotWriteIsOneLinePerClipAndDetectionGoesOn(bool missing)
    {
        string dir = TestVideos.TempDirectory();
        string ffmpeg = Path.Combine(dir, missing ? "no-such-ffmpeg" : "failing-ffmpeg");
        if (!missing)
        {
            // What ffmpeg says when it cannot write its output, then its exit code.
            File.WriteAllText(ffmpeg, "#!/bin/sh\necho 'clips/yard/x.mp4.part: No space left on device' >&2\nexit 1\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(ffmpeg, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var (options, logs) = Options(dir, HistoryServiceTests.RecordingCamera("yard", TestVideos.MovingSquare(dir)));
        options.History.FfmpegPath = ffmpeg;
        await using (var host = await TestHost.StartAsync(options, dir))
        {
            var recorder = host.History.Cameras.Single().Recorder!;
            var camera = host.Cameras.Find("yard")!;
            await TestHost.WaitUntil(() => recorder.Failed >= 2 || (missing && recorder.Failed >= 1 && camera.Metrics.Events >= 6), "clips to fail");
            long detected = camera.Metrics.Detected.Count;
            await TestHost.WaitUntil(() => camera.Metrics.Detected.Count > detected + 5, "detection to go on");
            Assert.Equal(0, recorder.Written);
            Assert.Matches("parnet_history_clips_total\\{camera=\"yard\",result=\"failed\"\\} [1-9]", await host.Client.GetStringAsync("/metrics"));
            // The events of a failed clip are kept, with their snapshots, and without the clip.
            await TestHost.WaitUntil(() => host.History.Queries!.List(new EventFilter()).Events is { Count: > 0 } events &&
                events.Any(e => e.End != null && e.HasSnapshot && !e.HasClip), "a finished event without a clip");
        }
        var lines = LogLines(logs, "Camera {CameraId}: clip {Clip} could not be written: {Error}{Consequence}");
        if (missing)
        {
            var line = Assert.Single(lines); // said once: no clip is tried again
            Assert.StartsWith($"'{ffmpeg}' could not be run (", line.GetProperty("Error").GetString());
            Assert.Equal("; no more clips are recorded until restart", line.GetProperty("Consequence").GetString());
        }
        else
        {
            Assert.True(lines.Count >= 2, $"{lines.Count} lines: {string.Join(" / ", lines)}");
            Assert.All(lines, l => Assert.Equal("ffmpeg exit code 1: clips/yard/x.mp4.part: No space left on device", l.GetProperty("Error").GetString()));
            Assert.All(lines, l => Assert.StartsWith(Path.Combine(options.History.Directory, "clips", "yard") + "/", l.GetProperty("Clip").GetString()));
        }
        Assert.Empty(Directory.GetFiles(options.History.Directory, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ALockedDatabaseDropsAndCountsEventsWhileDetectionGoesOnThenWritingResumes()
    {
        string dir = TestVideos.TempDirectory();
        var options = TestHost.DefaultOptions(dir, TestHost.FileCamera("yard", TestVideos.MovingSquare(dir)));
        options.History.QueueCapacity = 4;
        await using var host = await TestHost.StartAsync(options, dir);
        var camera = host.Cameras.Find("yard")!;
        var writer = host.History.Writer!;
        await TestHost.WaitUntil(() => writer.Written >= 2, "the first events written");

        using (var locker = new SqliteConnection($"Data Source={Path.Combine(options.History.Directory, HistoryDatabase.FileName)};Pooling=False"))
        {
            locker.Open();
            HistoryDatabase.Execute(locker, "BEGIN EXCLUSIVE"); // another process holds the file, like a very slow disk
            long detected = camera.Metrics.Detected.Count;
            await TestHost.WaitUntil(() => writer.Dropped >= 3 && camera.Metrics.Detected.Count > detected + 20,
                "events dropped while detection goes on");
            Assert.Matches("parnet_events_dropped_total\\{stage=\"history\"\\} [1-9]", await host.Client.GetStringAsync("/metrics"));
            HistoryDatabase.Execute(locker, "ROLLBACK");
        }
        long written = writer.Written;
        await TestHost.WaitUntil(() => writer.Written > written + 2, "writing to resume");
    }

    [Fact]
    public async Task LowDiskStopsClipsAndSaysSoInReadyzAndMetricsWhileEventsAreStillRecorded()
    {
        string dir = TestVideos.TempDirectory();
        var (options, logs) = Options(dir, HistoryServiceTests.RecordingCamera("yard", TestVideos.MovingSquare(dir)));
        options.History.MinFreeDiskMB = 1e9; // a petabyte: no disk has that much free
        await using (var host = await TestHost.StartAsync(options, dir))
        {
            await TestHost.WaitUntil(() => host.History.Queries?.List(new EventFilter()).Events.Any(e => e.HasSnapshot) == true, "an event with a snapshot");
            var ready = await host.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Matches("^low disk: \\d+ MiB free, under History:MinFreeDiskMB 1000000000 MiB; clips are paused$",
                JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("history").GetString());
            string metrics = await host.Client.GetStringAsync("/metrics");
            Assert.Contains("parnet_history_low_disk 1", metrics);
            Assert.Matches("parnet_history_disk_free_bytes [1-9]", metrics);
            Assert.All(host.History.Queries!.List(new EventFilter()).Events, e => Assert.False(e.HasClip));
        }
        Assert.False(Directory.Exists(Path.Combine(options.History.Directory, "clips")));
        Assert.Single(LogLines(logs,
            "Event history: {Free} MiB free on the disk of {Folder}, under the minimum {Min} MiB (History:MinFreeDiskMB): clips are paused"));
    }
}
