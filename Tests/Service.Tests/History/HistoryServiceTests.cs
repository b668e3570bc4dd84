using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests.History;

/// <summary>The whole service with its history, on the moving-square video: events, snapshots and clips through the API.</summary>
public class HistoryServiceTests
{
    /// <summary>A looping camera that records clips: short rolls and clips, so finished clips come quickly.</summary>
    public static CameraOptions RecordingCamera(string id, string video)
    {
        var cam = TestHost.FileCamera(id, video);
        cam.Zones = [new ZoneOptions { Name = "right", Points = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] }];
        cam.History = new CameraHistoryOptions { Clips = true, PreRollSeconds = 0.5, PostRollSeconds = 0.5, MaxClipSeconds = 2 };
        return cam;
    }

    public static async Task<JsonElement> WaitForEventWithClip(TestHost host, string query = "")
    {
        var deadline = DateTime.UtcNow + TestHost.StateTimeout;
        while (true)
        {
            var response = await host.Client.GetAsync("/api/events" + query); // 503 while the database is still being opened
            var page = response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement : default;
            if (page.ValueKind == JsonValueKind.Object && page.GetProperty("events").EnumerateArray().FirstOrDefault(e => e.GetProperty("clipReady").GetBoolean() &&
                    e.GetProperty("hasSnapshot").GetBoolean() && e.TryGetProperty("end", out _)) is { ValueKind: JsonValueKind.Object } e)
                return e;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no finished event with a snapshot and a written clip");
            await Task.Delay(100);
        }
    }

    [SkippableFact]
    public async Task EventsAreListedWithSnapshotsAndAClipThatBrowsersPlayAndSeek()
    {
        string? ffprobe = ExternalProcess.Find("ffprobe");
        Skip.If(ffprobe == null, "ffmpeg is not installed (apt-get install ffmpeg)");
        string dir = TestVideos.TempDirectory();
        await using var host = await TestHost.StartAsync(TestHost.DefaultOptions(dir, RecordingCamera("yard", TestVideos.MovingSquare(dir))), dir);
        var http = host.Client;

        var e = await WaitForEventWithClip(host);
        long id = e.GetProperty("id").GetInt64();
        Assert.Equal(("yard", "square"), (e.GetProperty("camera").GetString(), e.GetProperty("label").GetString()));
        Assert.Equal(0.9f, e.GetProperty("topScore").GetSingle());
        Assert.True(e.GetProperty("start").GetDateTimeOffset() < e.GetProperty("end").GetDateTimeOffset());
        Assert.Contains("right", e.GetProperty("zones").EnumerateArray().Select(z => z.GetString())); // the square crosses into it
        Assert.False(e.GetProperty("stationary").GetBoolean());
        Assert.DoesNotContain("snapshotPath", e.ToString());

        // Snapshots: the best frame, clean and with the box drawn.
        byte[] annotated = await http.GetByteArrayAsync($"/api/events/{id}/snapshot.jpg");
        byte[] clean = await http.GetByteArrayAsync($"/api/events/{id}/snapshot.jpg?clean=true");
        using (var a = OpenCvSharp.Cv2.ImDecode(annotated, OpenCvSharp.ImreadModes.Color))
        using (var c = OpenCvSharp.Cv2.ImDecode(clean, OpenCvSharp.ImreadModes.Color))
        {
            Assert.Equal((TestVideos.Width, TestVideos.Height), (a.Width, a.Height));
            Assert.Equal((TestVideos.Width, TestVideos.Height), (c.Width, c.Height));
            Assert.NotEqual(annotated, clean);
        }

        // The clip: MP4 served with range requests, H.264 yuv420p, its index before the media (faststart).
        var whole = await http.GetAsync($"/api/events/{id}/clip.mp4");
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        byte[] mp4 = await whole.Content.ReadAsByteArrayAsync();
        var range = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{id}/clip.mp4") { Headers = { Range = new RangeHeaderValue(100, 199) } };
        var part = await http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(mp4[100..200], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-199/{mp4.Length}", part.Content.Headers.ContentRange!.ToString());
        string text = System.Text.Encoding.ASCII.GetString(mp4);
        Assert.True(text.IndexOf("moov", StringComparison.Ordinal) < text.IndexOf("mdat", StringComparison.Ordinal), "moov (the index) comes first");
        string file = Path.Combine(dir, "clip.mp4");
        await File.WriteAllBytesAsync(file, mp4);
        string probe = ExternalProcess.Output(ffprobe!, "-v", "error", "-select_streams", "v:0", "-show_entries",
            "stream=codec_name,pix_fmt,width,height:format=duration", "-of", "default=nw=1", file);
        Assert.Contains("codec_name=h264", probe);
        Assert.Contains("pix_fmt=yuv420p", probe);
        Assert.Contains($"width={TestVideos.Width}", probe);
        double duration = double.Parse(probe.Split('\n').First(l => l.StartsWith("duration=")).Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 0.5, 10);
        Assert.InRange(e.GetProperty("clipOffsetSeconds").GetDouble(), 0, duration);

        // Filters.
        var right = JsonDocument.Parse(await http.GetStringAsync("/api/events?zone=right&camera=yard&label=square")).RootElement.GetProperty("events");
        Assert.All(right.EnumerateArray(), r => Assert.Contains("right", r.GetProperty("zones").EnumerateArray().Select(z => z.GetString())));
        Assert.Empty(JsonDocument.Parse(await http.GetStringAsync("/api/events?label=circle")).RootElement.GetProperty("events").EnumerateArray());
        Assert.Empty(JsonDocument.Parse(await http.GetStringAsync("/api/events?camera=gate")).RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal(["square"], JsonDocument.Parse(await http.GetStringAsync("/api/events/labels")).RootElement.EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/events?after=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/events?limit=0")).StatusCode);

        // Retain, then delete: the row and its files go.
        var retained = JsonDocument.Parse(await (await http.PostAsync($"/api/events/{id}/retain", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.True(retained.GetProperty("retain").GetBoolean());
        int snapshots = Directory.GetFiles(Path.Combine(dir, "history", "snapshots", "yard")).Length;
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/events/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/events/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/api/events/{id}")).StatusCode);
        Assert.False(File.Exists(Path.Combine(dir, "history", "snapshots", "yard", $"{id}.jpg")));

        string metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("parnet_history_up 1", metrics);
        Assert.Contains("parnet_events_dropped_total{stage=\"history\"} 0", metrics);
        Assert.Matches("parnet_history_clips_total\\{camera=\"yard\",result=\"written\"\\} [1-9]", metrics);
        Assert.Contains("\"history\":\"ok\"", await http.GetStringAsync("/readyz"));
    }
}
