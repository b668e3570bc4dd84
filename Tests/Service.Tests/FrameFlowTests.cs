using OpenCvSharp;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Pipeline;

namespace ParNetDetect.Service.Tests;

public class FrameFlowTests
{
    [Fact]
    public void LatestFrameSlotKeepsOnlyTheNewestAndCountsDropsWithoutAllocating()
    {
        using var slot = new LatestFrameSlot();
        var buffers = new HashSet<IntPtr>();
        for (int i = 1; i <= 3; i++)
        {
            slot.WriteBuffer.Create(4, 4, MatType.CV_8UC1);
            slot.WriteBuffer.SetTo(new Scalar(i));
            buffers.Add(slot.WriteBuffer.Data);
            slot.Publish(DateTimeOffset.UtcNow);
        }
        Assert.Equal(2, slot.Dropped);
        Assert.True(slot.TryTake(out var frame));
        Assert.Equal(3, frame.Image.At<byte>(0, 0));
        Assert.Equal(3, frame.Sequence);
        Assert.False(slot.TryTake(out _));
        // Keep going: the frames keep cycling through the same three buffers.
        for (int i = 0; i < 10; i++)
        {
            slot.WriteBuffer.Create(4, 4, MatType.CV_8UC1);
            buffers.Add(slot.WriteBuffer.Data);
            slot.Publish(DateTimeOffset.UtcNow);
            slot.TryTake(out _);
        }
        Assert.Equal(3, buffers.Count);
    }

    [Fact]
    public void BackoffDoublesUpToTheCapWithBoundedJitter()
    {
        var b = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), new Random(1));
        double[] d = Enumerable.Range(0, 6).Select(_ => b.Next().TotalSeconds).ToArray();
        double[] nominal = [1, 2, 4, 5, 5, 5];
        for (int i = 0; i < d.Length; i++) Assert.InRange(d[i], nominal[i] * 0.8, nominal[i]);
        b.Reset();
        Assert.InRange(b.Next().TotalSeconds, 0.8, 1);
    }

    [Fact]
    public void MotionGateSkipsStillFramesAfterTheHoldAndOpensOnMotion()
    {
        using var gate = new MotionGate(new MotionOptions { Enabled = true, HoldSeconds = 1 });
        using var frame = new Mat(120, 160, MatType.CV_8UC3, new Scalar(40, 40, 40));
        var t = DateTimeOffset.UtcNow;
        Assert.True(gate.ShouldDetect(frame, t));                      // first frame: look once
        Assert.True(gate.ShouldDetect(frame, t.AddSeconds(0.5)));       // still within the hold
        Assert.False(gate.ShouldDetect(frame, t.AddSeconds(2)));        // still scene: no inference
        Cv2.Rectangle(frame, new Rect(50, 40, 30, 30), Scalar.White, -1);
        Assert.True(gate.ShouldDetect(frame, t.AddSeconds(2.1)));       // something moved
        Assert.True(gate.LastChangedFraction > 0.02);
    }

    [Fact]
    public void SourceKindFollowsTheSourceString()
    {
        static IFrameSource Of(string s) => FrameSources.Create(new CameraOptions { Id = "a", Source = s });
        Assert.IsType<FfmpegPipeSource>(Of("rtsp://user:pw@cam.local/stream"));
        Assert.IsType<FfmpegPipeSource>(Of("http://cam.local/video.mjpg"));
        Assert.IsType<V4l2Source>(Of("/dev/video2"));
        Assert.IsType<V4l2Source>(Of("0"));
        Assert.IsType<VideoFileSource>(Of("clips/door.mp4"));
        // Schemes are case-insensitive, and a password need not make the URL parse for it to be one.
        Assert.IsType<FfmpegPipeSource>(Of("RTSP://cam.local/stream"));
        Assert.IsType<FfmpegPipeSource>(Of("rtsp://admin:p@ss@cam.local/stream"));
        Assert.Equal("rtsp://Cam.Local/Stream", FrameSources.NetworkUrl(" RTSP://Cam.Local/Stream"));
        Assert.Equal("https://cam/x", FrameSources.NetworkUrl("HttpS://cam/x"));
        Assert.Null(FrameSources.NetworkUrl("clips/door.mp4"));
    }

    [Fact]
    public void VideoFileSourceReportsMissingAndCorruptFilesAsPermanent()
    {
        string dir = Support.TestVideos.TempDirectory();
        string corrupt = Path.Combine(dir, "corrupt.avi");
        File.WriteAllBytes(corrupt, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray());
        foreach (string path in new[] { Path.Combine(dir, "missing.avi"), corrupt })
        {
            using var source = new VideoFileSource(path, loop: false, realTime: false);
            using var frame = new Mat();
            var e = Assert.Throws<FrameSourceException>(() => { source.Open(default); source.Read(frame, default); });
            Assert.True(e.Permanent);
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void LoopingFileSourceRestartsAndReusesTheFrameBuffer()
    {
        string video = Support.TestVideos.MovingSquare(Support.TestVideos.TempDirectory(), frames: 5);
        using var source = new VideoFileSource(video, loop: true, realTime: false);
        using var frame = new Mat();
        source.Open(default);
        var buffers = new HashSet<IntPtr>();
        for (int i = 0; i < 13; i++) // 5 frames a pass: two wraps
        {
            Assert.True(source.Read(frame, default));
            buffers.Add(frame.Data);
        }
        // Frames reuse the buffer; only a wrap may bring a new one (OpenCV releases the Mat when a read hits the end).
        Assert.InRange(buffers.Count, 1, 3);
        Assert.Equal((Support.TestVideos.Width, Support.TestVideos.Height), (frame.Width, frame.Height));
    }

    [Fact]
    public void MissingV4l2DeviceIsARetryableErrorNamingTheDevice()
    {
        using var source = new V4l2Source(63, "/dev/video63");
        var e = Assert.Throws<FrameSourceException>(() => source.Open(default));
        Assert.False(e.Permanent); // a USB camera may be plugged in later: keep retrying with backoff
        Assert.Contains("/dev/video63", e.Message);
    }
}
