using Microsoft.Extensions.DependencyInjection;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Systemd;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests;

public class ReliabilityTests
{
    /// <summary>A real HTTP MJPEG stream served by ffmpeg (one client, like a cheap IP camera) for the square video.</summary>
    static ExternalProcess ServeStream(string ffmpeg, string video, int port) =>
        ExternalProcess.Start(ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", video,
            "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1", $"http://127.0.0.1:{port}/cam.mjpg");

    [SkippableFact]
    public async Task AKilledNetworkStreamReconnectsWhileAnotherCameraCarriesOn()
    {
        string? ffmpeg = ExternalProcess.Find("ffmpeg");
        Skip.If(ffmpeg == null, "ffmpeg is not installed (apt-get install ffmpeg)");
        string dir = TestVideos.TempDirectory();
        string video = TestVideos.MovingSquare(dir, frames: 60);
        int port = ExternalProcess.FreeTcpPort();
        var net = TestHost.FileCamera("net", $"http://127.0.0.1:{port}/cam.mjpg");
        (net.Width, net.Height) = (TestVideos.Width, TestVideos.Height); // no ffprobe: the server takes one client
        var options = TestHost.DefaultOptions(dir, net, TestHost.FileCamera("file", video));

        var server = ServeStream(ffmpeg!, video, port);
        await using var host = await TestHost.StartAsync(options, dir);
        var netCam = host.Cameras.Find("net")!;
        var fileCam = host.Cameras.Find("file")!;
        await TestHost.WaitUntil(() => netCam.Metrics.Captured.Count > 5, "frames from the network stream");

        server.Dispose(); // the camera goes away mid-stream
        await TestHost.WaitUntil(() => netCam.Health.State == CameraState.Reconnecting, "the stream to be seen as lost");
        long fileFrames = fileCam.Metrics.Detected.Count;
        await TestHost.WaitUntil(() => fileCam.Metrics.Detected.Count > fileFrames + 3, "the file camera to carry on while the stream is down");
        Assert.NotEqual(CameraState.Connected, netCam.Health.State); // no server yet: the stream really was down meanwhile

        using var restarted = ServeStream(ffmpeg!, video, port);
        long before = netCam.Metrics.Captured.Count;
        await TestHost.WaitUntil(() => netCam.Health.State == CameraState.Connected && netCam.Metrics.Captured.Count > before + 5, "the stream to reconnect");
        Assert.True(netCam.Health.Snapshot().Reconnects >= 1);
    }

    [SkippableFact]
    public async Task AnUpperCaseSchemeStreamsLikeALowerCaseOne()
    {
        string? ffmpeg = ExternalProcess.Find("ffmpeg");
        Skip.If(ffmpeg == null, "ffmpeg is not installed (apt-get install ffmpeg)");
        string dir = TestVideos.TempDirectory();
        int port = ExternalProcess.FreeTcpPort();
        var cam = TestHost.FileCamera("upper", $"HTTP://127.0.0.1:{port}/cam.mjpg"); // ffmpeg itself says "Protocol not found"
        (cam.Width, cam.Height) = (TestVideos.Width, TestVideos.Height);
        using var server = ServeStream(ffmpeg!, TestVideos.MovingSquare(dir), port);
        await using var host = await TestHost.StartAsync(TestHost.DefaultOptions(dir, cam), dir);
        var camera = host.Cameras.Find("upper")!;
        await TestHost.WaitUntil(() => camera.Metrics.Captured.Count > 5, "frames from the HTTP:// stream");
    }

    /// <summary>An HTTP MJPEG "camera" that sends a few frames, then keeps the connection open and sends nothing:
    /// the hang that a plain blocking read never notices.</summary>
    static async Task ServeThenFreeze(System.Net.Sockets.TcpListener listener, int frames, CancellationToken ct)
    {
        using var image = new OpenCvSharp.Mat(TestVideos.Height, TestVideos.Width, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.Gray);
        OpenCvSharp.Cv2.ImEncode(".jpg", image, out byte[] jpeg);
        var clients = new List<System.Net.Sockets.TcpClient>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(ct);
                clients.Add(client);
                var net = client.GetStream();
                await net.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                    "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=frame\r\n\r\n"), ct);
                for (int i = 0; i < frames; i++)
                {
                    await net.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                        $"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {jpeg.Length}\r\n\r\n"), ct);
                    await net.WriteAsync(jpeg, ct);
                    await net.WriteAsync("\r\n"u8.ToArray(), ct);
                }
                // ...and then silence, with the connection left open.
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    [SkippableFact]
    public async Task AFrozenStreamIsDetectedByTheReadTimeoutAndReopened()
    {
        Skip.If(ExternalProcess.Find("ffmpeg") == null, "ffmpeg is not installed (apt-get install ffmpeg)");
        string dir = TestVideos.TempDirectory();
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = ServeThenFreeze(listener, frames: 5, stop.Token);

        var cam = TestHost.FileCamera("frozen", $"http://127.0.0.1:{port}/cam.mjpg");
        (cam.Width, cam.Height) = (TestVideos.Width, TestVideos.Height);
        cam.Reconnect.ReadTimeoutSeconds = 1;
        await using (var host = await TestHost.StartAsync(TestHost.DefaultOptions(dir, cam), dir))
        {
            var camera = host.Cameras.Find("frozen")!;
            // A reopened connection may itself time out before its first frame on a loaded machine, so wait for the
            // whole state: frozen twice, the freeze seen by the read timeout, and more frames than one connection serves.
            await TestHost.WaitUntil(() => camera.Health.Snapshot() is { Reconnects: >= 2, LastError: { } error } &&
                error.Contains("delivered no frame for 1 s") && camera.Metrics.Captured.Count > 5,
                "two reconnects after freezes and frames from a reopened connection");
        }
        stop.Cancel();
        listener.Stop();
        await server;
    }

    [Fact]
    public async Task WithoutANotifierGivenTheServiceUsesDotNetsSystemdNotifier()
    {
        string dir = TestVideos.TempDirectory();
        var options = TestHost.DefaultOptions(dir, TestHost.FileCamera("a", TestVideos.MovingSquare(dir)));
        await using var app = Hosting.ServiceHost.Build(options, new Hosting.ServiceHostSettings { CreateDetector = _ => new FakeDetector() });
        Assert.IsType<Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>(
            app.Services.GetRequiredService<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier>());
    }

    [Fact]
    public async Task WatchdogHeartbeatsOnlyWhileFramesAreDetected()
    {
        string dir = TestVideos.TempDirectory();
        var notifier = new RecordingNotifier();
        var options = TestHost.DefaultOptions(dir, TestHost.FileCamera("a", TestVideos.MovingSquare(dir)));
        options.Watchdog.StallSeconds = 1;
        await using var host = await TestHost.StartAsync(options, dir, notifier, new SystemdWatchdog(TimeSpan.FromMilliseconds(200)));

        var deadline = DateTime.UtcNow + TestHost.StateTimeout;
        async Task<string> Next()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(0, (deadline - DateTime.UtcNow).Ticks)));
            return await notifier.NextAsync(timeout.Token);
        }
        async Task WaitForMessage(Func<string, bool> wanted)
        {
            while (!wanted(await Next())) { }
        }

        await WaitForMessage(m => m.StartsWith("WATCHDOG=1\nSTATUS=1 cameras: 1 connected", StringComparison.Ordinal));
        host.Detector.Gate.Reset(); // the detector hangs: frames still arrive, none gets through
        List<string> stuck;
        try
        {
            await WaitForMessage(m => !m.Contains("WATCHDOG=1")); // the stall is noticed...
            stuck = [await Next(), await Next(), await Next(), await Next(), await Next()];
        }
        finally { host.Detector.Gate.Set(); }
        Assert.All(stuck, m => Assert.StartsWith("STATUS=", m)); // STATUS= still reported...
        Assert.DoesNotContain(stuck, m => m.Contains("WATCHDOG=1")); // ...but no heartbeat: systemd will restart us
    }
}
