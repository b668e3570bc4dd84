using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenCvSharp;

namespace ParNetDetect.Cli.Tests;

/// <summary>
/// `predict` reads videos, cameras and network streams through Imaging's frame sources, as the service reads its
/// cameras: ffmpeg for streams, credentials masked in everything it prints.
/// </summary>
public sealed class PredictSourceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("parnet-cli-predict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AVideoIsReadUpToTheFramesAskedFor()
    {
        string video = Path.Combine(_dir, "clip.avi");
        var synth = DetectProcess.Run("synth", "--video", video, "--frames", "6", "--width", "64", "--height", "64");
        Assert.True(synth.Code == 0, synth.ToString());
        string outDir = Path.Combine(_dir, "out");

        var result = DetectProcess.Run("predict", "--weights", "demo", "--source", video, "--out", outDir, "--frames", "4");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("4 frames in", result.Out);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(outDir, "clip.jsonl")).Length);
    }

    [Fact]
    public void AStreamUrlWithAnUnknownSchemeIsNamedWithItsCredentialsMasked()
    {
        var result = DetectProcess.Run("predict", "--weights", "demo", "--source", "rtps://admin:Secret1@cam/s", "--no-save");
        Assert.Equal(1, result.Code);
        Assert.Equal("detect predict: source 'rtps://***@cam/s' has scheme 'rtps', which is not one of rtsp, rtsps, rtmp, " +
                     "http, https, udp, tcp, srt.", result.Err.Trim());
    }

    [SkippableFact]
    public async Task ANetworkStreamIsReadThroughFfmpegAndItsPasswordIsShownNowhere()
    {
        Skip.If(!File.Exists("/usr/bin/ffmpeg") || !File.Exists("/usr/bin/ffprobe"), "ffmpeg is not installed (apt-get install ffmpeg)");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = ServeMjpeg(listener, stop.Token);
        string outDir = Path.Combine(_dir, "out");

        var result = DetectProcess.Run("predict", "--weights", "demo", "--source",
            $"http://viewer:Secret1@127.0.0.1:{port}/cam.mjpg?token=Secret2", "--out", outDir, "--frames", "3");
        stop.Cancel();
        await server;

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("3 frames in", result.Out);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, "stream.jsonl")).Length); // named for no part of the URL
        Assert.DoesNotContain("Secret", result.ToString());
    }

    /// <summary>An HTTP MJPEG "camera": every client (ffprobe, then ffmpeg) gets grey frames until it goes away.</summary>
    static async Task ServeMjpeg(TcpListener listener, CancellationToken ct)
    {
        using var image = new Mat(48, 64, MatType.CV_8UC3, Scalar.Gray);
        Cv2.ImEncode(".jpg", image, out byte[] jpeg);
        byte[] part = Encoding.ASCII.GetBytes($"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {jpeg.Length}\r\n\r\n");
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                var net = client.GetStream();
                try
                {
                    await net.WriteAsync(Encoding.ASCII.GetBytes(
                        "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=frame\r\n\r\n"), ct);
                    while (!ct.IsCancellationRequested)
                    {
                        await net.WriteAsync(part, ct);
                        await net.WriteAsync(jpeg, ct);
                        await net.WriteAsync("\r\n"u8.ToArray(), ct);
                        await Task.Delay(40, ct); // a 25 fps camera
                    }
                }
                catch (IOException) { } // the client went away: serve the next one
            }
        }
        catch (OperationCanceledException) { }
    }
}
