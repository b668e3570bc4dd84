using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests;

/// <summary>The whole service on generated videos with the fake detector: HTTP surface, events, shutdown.</summary>
public class ServiceHostTests
{
    [Fact]
    public async Task FramesFlowToEventsApiMetricsAndMjpegThenStopFlushesInTime()
    {
        string dir = TestVideos.TempDirectory();
        var cam = TestHost.FileCamera("yard", TestVideos.MovingSquare(dir));
        cam.Zones = [new ZoneOptions { Name = "right", Points = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] }];
        cam.Snapshots = true;
        var options = TestHost.DefaultOptions(dir, cam);
        var host = await TestHost.StartAsync(options, dir);
        var http = host.Client;
        var camera = host.Cameras.Find("yard")!;

        await TestHost.WaitUntil(() => camera.Metrics.Events >= 2, "the new and entered events");
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
        var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var cameras = JsonDocument.Parse(await http.GetStringAsync("/api/cameras")).RootElement;
        Assert.Equal("yard", cameras[0].GetProperty("id").GetString());
        Assert.Equal("connected", cameras[0].GetProperty("state").GetString());
        Assert.Equal(TestVideos.Width, cameras[0].GetProperty("width").GetInt32());

        var latest = JsonDocument.Parse(await http.GetStringAsync("/api/cameras/yard/latest")).RootElement;
        Assert.Equal("square", latest.GetProperty("objects")[0].GetProperty("label").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/cameras/nope/latest")).StatusCode);

        string metrics = await http.GetStringAsync("/metrics");
        foreach (string family in new[] { "parnet_camera_fps{camera=\"yard\"}", "parnet_detection_fps{camera=\"yard\"}",
                     "parnet_skipped_fps{camera=\"yard\"}", "parnet_inference_seconds_bucket{camera=\"yard\",le=\"+Inf\"}",
                     "parnet_camera_reconnects_total{camera=\"yard\"} 0", "# TYPE parnet_inference_seconds histogram",
                     "parnet_events_dropped_total{stage=\"queue\"} 0", "parnet_events_dropped_total{stage=\"jsonl\"} 0" })
            Assert.Contains(family, metrics);

        // MJPEG: the first part arrives with its boundary, headers and a JPEG body.
        using (var stream = await http.GetStreamAsync("/api/cameras/yard/stream.mjpg"))
        {
            var buffer = new byte[64 * 1024];
            int got = 0;
            while (got < 200) got += await stream.ReadAsync(buffer.AsMemory(got));
            string head = System.Text.Encoding.ASCII.GetString(buffer, 0, 100);
            Assert.StartsWith("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ", head);
            int bodyStart = head.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
            Assert.Equal((0xFF, 0xD8), (buffer[bodyStart], buffer[bodyStart + 1]));
        }
        var page = await http.GetStringAsync("/");
        Assert.Contains("stream.mjpg", page);

        var watch = Stopwatch.StartNew();
        await host.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds), $"stop took {watch.Elapsed}");
        Assert.Equal(CameraState.Stopped, camera.Health.State);

        var events = File.ReadAllLines(options.Events.JsonLinesPath!).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("new", types[0]);
        Assert.Contains("entered", types);
        Assert.Equal("gone", types[^1]); // flushed at shutdown: every tracked object ends
        string snapshot = events.First(e => e.GetProperty("type").GetString() == "new").GetProperty("snapshot").GetString()!;
        Assert.True(new FileInfo(snapshot).Length > 500);
    }

    [Fact]
    public async Task TheDefaultLogKeepsCameraStatesAndLeavesObjectEventsToTheSinks()
    {
        string dir = TestVideos.TempDirectory();
        var cam = TestHost.FileCamera("yard", TestVideos.MovingSquare(dir));
        cam.Zones = [new ZoneOptions { Name = "right", Points = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] }];
        var options = TestHost.DefaultOptions(dir, cam);
        string logs = Path.Combine(dir, "logs");
        options.Logging = new LoggingOptions { FilePath = Path.Combine(logs, "service-.log") }; // the default level
        var host = await TestHost.StartAsync(options, dir);
        var camera = host.Cameras.Find("yard")!;
        await TestHost.WaitUntil(() => camera.Metrics.Events >= 2, "the new and entered events");
        await host.DisposeAsync();

        Assert.Contains("\"entered\"", File.ReadAllText(options.Events.JsonLinesPath!)); // the events went to their sink...
        string log = string.Concat(Directory.GetFiles(logs).Select(File.ReadAllText));
        Assert.Contains("Camera {CameraId} opened {Source}", log); // ...the log has the camera's state changes...
        Assert.DoesNotContain("#{ObjectId}", log); // ...and no line per object event
    }

    [Fact]
    public async Task ACorruptFileFailsOnlyItsCameraWithAClearError()
    {
        string dir = TestVideos.TempDirectory();
        await using var host = await TestHost.StartGoodAndCorruptAsync(dir, "good", "bad");
        string corrupt = Path.Combine(dir, "broken.avi");
        var good = host.Cameras.Find("good")!;
        var bad = host.Cameras.Find("bad")!;

        await TestHost.WaitUntil(() => bad.Health.State == CameraState.Failed, "the corrupt camera to fail");
        await TestHost.WaitUntil(() => good.Metrics.Detected.Count > 10, "the good camera to keep detecting");
        Assert.Contains(corrupt, bad.Health.Snapshot().LastError);
        Assert.Equal(CameraState.Connected, good.Health.State);

        var ready = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"bad\":\"failed\"", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FpsCapAndLatestFrameSemanticsSkipInsteadOfQueueing()
    {
        string dir = TestVideos.TempDirectory();
        var cam = TestHost.FileCamera("capped", TestVideos.MovingSquare(dir, frames: 20, fps: 40));
        cam.FpsCap = 5;
        var running = Stopwatch.StartNew();
        var host = await TestHost.StartAsync(TestHost.DefaultOptions(dir, cam), dir);
        var camera = host.Cameras.Find("capped")!;
        await TestHost.WaitUntil(() => camera.Metrics.Captured.Count >= 40 && camera.Metrics.Detected.Count >= 4, "frames captured and detected");
        await host.DisposeAsync(); // stopped: the counters no longer move while they are compared
        double seconds = running.Elapsed.TotalSeconds;
        long captured = camera.Metrics.Captured.Count, detected = camera.Metrics.Detected.Count;
        Assert.True(detected <= seconds * cam.FpsCap + 1, $"{detected} frames detected in {seconds:0.0} s at a cap of {cam.FpsCap} fps");
        // Every frame was either detected or dropped as stale when a newer one replaced it; at most one was still waiting.
        Assert.InRange(captured - detected - camera.Metrics.SkippedStale, 0, 1);
        Assert.True(camera.Metrics.SkippedStale > 0);
    }

    [Fact]
    public async Task ApiKeyGuardsEverythingButHealthz()
    {
        string dir = TestVideos.TempDirectory();
        var options = TestHost.DefaultOptions(dir, TestHost.FileCamera("a", TestVideos.MovingSquare(dir)));
        options.Http.ApiKey = "s3cret-s3cret-s3cret";
        await using var host = await TestHost.StartAsync(options, dir);
        var http = host.Client;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/cameras")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.DeleteAsync("/api/events/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/cameras?api_key=s3cret-s3cret-s3cret")).StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Api-Key", "s3cret-s3cret-s3cret" } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task ClassFilterKeepsOnlyNamedClassesAndRejectsUnknownNames()
    {
        string dir = TestVideos.TempDirectory();
        var cam = TestHost.FileCamera("a", TestVideos.MovingSquare(dir));
        cam.Classes = ["circle"]; // the fake detector only ever sees squares
        await using (var host = await TestHost.StartAsync(TestHost.DefaultOptions(dir, cam), dir))
        {
            var camera = host.Cameras.Find("a")!;
            await TestHost.WaitUntil(() => camera.Metrics.Detected.Count > 10, "frames to be detected");
            Assert.Equal(0, camera.Metrics.Events);
            Assert.Empty(camera.Latest!.Objects);
        }

        cam.Classes = ["square", "persn"];
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => TestHost.StartAsync(TestHost.DefaultOptions(dir, cam), dir));
        Assert.Contains("Detect:Cameras:0:Classes:1: 'persn' is not a class of the model (known: square, circle)", e.Message);
    }

    [Fact]
    public async Task MotionGateStopsInferenceOnAStillScene()
    {
        string dir = TestVideos.TempDirectory();
        var still = TestHost.FileCamera("still", TestVideos.MovingSquare(dir, "still.avi", still: true));
        still.Motion = new MotionOptions { Enabled = true, HoldSeconds = 0.2 };
        var moving = TestHost.FileCamera("moving", TestVideos.MovingSquare(dir, "moving.avi"));
        moving.Motion = new MotionOptions { Enabled = true, HoldSeconds = 0.2 };
        await using var host = await TestHost.StartAsync(TestHost.DefaultOptions(dir, still, moving), dir);
        var s = host.Cameras.Find("still")!;
        var m = host.Cameras.Find("moving")!;
        await TestHost.WaitUntil(() => s.Metrics.SkippedNoMotion > 20 && m.Metrics.Detected.Count > 15,
            "still frames to be gated while the moving camera is detected");
        Assert.InRange(s.Metrics.Detected.Count, 1, 6); // the first look and the hold, then nothing
        Assert.Contains("parnet_skipped_frames_total{camera=\"still\",reason=\"no_motion\"}", await host.Client.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task AnOpenMjpegViewerDoesNotHoldUpShutdown()
    {
        string dir = TestVideos.TempDirectory();
        var options = TestHost.DefaultOptions(dir, TestHost.FileCamera("a", TestVideos.MovingSquare(dir)));
        var host = await TestHost.StartAsync(options, dir);
        using var viewer = new HttpClient { BaseAddress = host.Client.BaseAddress };
        await using var stream = await viewer.GetStreamAsync("/api/cameras/a/stream.mjpg");
        Assert.True(await stream.ReadAsync(new byte[1024]) > 0);

        var watch = Stopwatch.StartNew();
        await host.DisposeAsync();
        // A viewer that held up shutdown would keep it for the whole shutdown timeout.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds / 2), $"stop took {watch.Elapsed} with a viewer attached");
    }
}
