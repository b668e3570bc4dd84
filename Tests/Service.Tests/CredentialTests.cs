using ParNetDetect.Imaging.Video;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Hosting;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests;

/// <summary>Camera credentials never leave the configuration: not in the API, the page, the logs or errors.</summary>
public class CredentialTests
{
    [Theory]
    // user-info of any scheme, in any case, with percent-escapes, '@' and ':' inside the password
    [InlineData("rtsp://user:pw@cam.local/stream", "rtsp://***@cam.local/stream")]
    [InlineData("rtsp://admin:Pass%2Dword@127.0.0.1:1/s", "rtsp://***@127.0.0.1:1/s")]
    [InlineData("RTSP://admin:p@ss:w@rd@cam:554/s", "RTSP://***@cam:554/s")]
    [InlineData("Http://admin:p%40ss@cam", "Http://***@cam")]
    [InlineData("srt://token@cam:9000?mode=caller", "srt://***@cam:9000?mode=caller")]
    [InlineData("rtsps://:only-a-password@cam/s", "rtsps://***@cam/s")]
    // query parameters that carry credentials, any case, also inside longer names
    [InlineData("http://cam/snap.cgi?user=admin&pwd=x&chn=1", "http://cam/snap.cgi?user=***&pwd=***&chn=1")]
    [InlineData("http://cam/v?PASS=a%26b&Password=c&TOKEN=d#f", "http://cam/v?PASS=***&Password=***&TOKEN=***#f")]
    [InlineData("https://cam/v?api_key=k&Auth=a&x=1", "https://cam/v?api_key=***&Auth=***&x=1")]
    [InlineData("rtsp://u:p@cam/s?key=k", "rtsp://***@cam/s?key=***")]
    // URLs inside free text (ffmpeg's stderr), several per line; the rest of the text is kept
    [InlineData("rtsp://admin:Pass%2Dword@127.0.0.1:1/s: Connection refused", "rtsp://***@127.0.0.1:1/s: Connection refused")]
    [InlineData("'http://a:b@h/x' then 'rtmp://c:d@h2/y?token=t'", "'http://***@h/x' then 'rtmp://***@h2/y?token=***'")]
    [InlineData("GET /api/cameras?api_key=s3cret HTTP/1.1", "GET /api/cameras?api_key=*** HTTP/1.1")]
    [InlineData("'rtsp://u:p@h/s?token=t' ended: http://h/x?pwd=a'b:c: refused", "'rtsp://***@h/s?token=***' ended: http://h/x?pwd=***: refused")]
    [InlineData("'rtsp://***@h/s?token=***' ended", "'rtsp://***@h/s?token=***' ended")] // masking twice changes nothing
    // nothing to mask
    [InlineData("rtsp://cam.local:554/stream1", "rtsp://cam.local:554/stream1")]
    [InlineData("http://cam/path/with@sign?q=1", "http://cam/path/with@sign?q=1")]
    [InlineData("/var/lib/parnet-detect/clips/door.mp4", "/var/lib/parnet-detect/clips/door.mp4")]
    [InlineData("mail admin@example.org about http://cam/", "mail admin@example.org about http://cam/")]
    [InlineData("", "")]
    public void MaskHidesUserInfoAndSecretParametersAndKeepsTheRest(string text, string masked) =>
        Assert.Equal(masked, CredentialMask.Apply(text));

    [Fact]
    public void LogOutputIsMaskedInPropertiesTemplatesStructuresAndExceptions()
    {
        string dir = TestVideos.TempDirectory();
        var options = new LoggingOptions { Level = "Information", FilePath = Path.Combine(dir, "service-.log") };
        using (var logger = ServiceLogging.Configure(new Serilog.LoggerConfiguration(), options).CreateLogger())
            logger.Error(new IOException("could not open rtsp://u:Secret1@cam/s", new InvalidOperationException("see http://cam/?token=Secret2")),
                "Camera {Source} with {@Camera}, built as rtsp://u:" + "Secret3@cam/s", "rtsp://u:Secret4@cam/s",
                new { Source = "rtsp://u:Secret5@cam/s", Sources = new[] { "http://u:Secret6@cam/" } });
        string log = File.ReadAllText(Directory.GetFiles(dir).Single());
        for (int i = 1; i <= 6; i++) Assert.DoesNotContain($"Secret{i}", log);
        Assert.Contains("could not open rtsp://***@cam/s", log); // the exception, its inner one and stack are kept
        Assert.Contains("InvalidOperationException: see http://cam/?token=***", log);
    }

    [SkippableFact]
    public async Task AFailingCameraWithAPasswordShowsItInNoResponseAndNoLog()
    {
        Skip.If(ExternalProcess.Find("ffmpeg") == null || ExternalProcess.Find("ffprobe") == null,
            "ffmpeg is not installed (apt-get install ffmpeg)");
        string dir = TestVideos.TempDirectory();
        // Port 1 on loopback refuses connections: ffprobe (size unknown) and ffmpeg (size given) fail and print the URL.
        var probed = TestHost.FileCamera("probed", "rtsp://cam-user:Pass%2Dword@127.0.0.1:1/s");
        var piped = TestHost.FileCamera("piped", "http://viewer:S3cr%40t:x@127.0.0.1:1/cam.mjpg?channel=1&PWD=Hunter2");
        (piped.Width, piped.Height) = (TestVideos.Width, TestVideos.Height);
        var options = TestHost.DefaultOptions(dir, probed, piped);
        string logs = Path.Combine(dir, "logs");
        options.Logging = new LoggingOptions { Level = "Verbose", FilePath = Path.Combine(logs, "service-.log") };

        var host = await TestHost.StartAsync(options, dir);
        var cameras = new[] { host.Cameras.Find("probed")!, host.Cameras.Find("piped")! };
        await TestHost.WaitUntil(() => cameras.All(c => c.Health.Snapshot() is { State: CameraState.Reconnecting, LastError: { } e } && e.Contains("refused")),
            "both cameras to fail to connect");
        var shown = new List<string>();
        foreach (string route in new[] { "/", "/api/cameras", "/readyz", "/metrics", "/api/cameras/probed/latest", "/api/cameras/piped/latest" })
            shown.Add(await (await host.Client.GetAsync(route)).Content.ReadAsStringAsync());
        shown.AddRange(cameras.Select(c => c.Health.Snapshot().LastError!));
        await host.DisposeAsync();
        shown.AddRange(Directory.GetFiles(logs).Select(File.ReadAllText));

        string all = string.Join("\n", shown);
        foreach (string secret in new[] { "cam-user", "Pass%2Dword", "Pass-word", "viewer", "S3cr", "Hunter2" })
            Assert.DoesNotContain(secret, all, StringComparison.OrdinalIgnoreCase);
        // What is shown still says which camera failed, and why.
        var api = System.Text.Json.JsonDocument.Parse(shown[1]).RootElement;
        Assert.Equal("rtsp://***@127.0.0.1:1/s", api[0].GetProperty("source").GetString());
        Assert.Equal("http://***@127.0.0.1:1/cam.mjpg?channel=1&PWD=***", api[1].GetProperty("source").GetString());
        Assert.All(api.EnumerateArray(), c => Assert.Contains("Connection refused", c.GetProperty("lastError").GetString()));
        Assert.Contains("\"Source\":\"http://***@127.0.0.1:1/cam.mjpg?channel=1&PWD=***\"", all); // the "opened" log line
    }
}
