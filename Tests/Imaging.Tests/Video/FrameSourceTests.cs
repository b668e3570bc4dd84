using OpenCvSharp;
using ParNetDetect.Imaging.Video;

namespace ParNetDetect.Imaging.Tests.Video;

public sealed class FrameSourceTests : IDisposable
{
    const int Width = 160, Height = 120;
    readonly string _dir = Directory.CreateTempSubdirectory("parnet-imaging-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A small MJPG video of <paramref name="frames"/> grey frames.</summary>
    string Video(int frames)
    {
        string path = Path.Combine(_dir, $"clip{frames}.avi");
        using var writer = new VideoWriter(path, FourCC.MJPG, 20, new Size(Width, Height));
        using var frame = new Mat(Height, Width, MatType.CV_8UC3, new Scalar(30, 30, 30));
        for (int i = 0; i < frames; i++) writer.Write(frame);
        return path;
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
    public void SourceKindFollowsTheSourceString()
    {
        static IFrameSource Of(string s) => FrameSources.Create(new FrameSourceOptions(s));
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
        Assert.Equal([true, true, true, false], new[] { "0", "/dev/video2", "rtsp://cam/s", "clips/0.mp4" }.Select(FrameSources.IsCamera));
        Assert.Equal("'rtps://***@cam/s' has scheme 'rtps', which is not one of rtsp, rtsps, rtmp, http, https, udp, tcp, srt.",
            FrameSources.SchemeProblem("rtps://admin:pw@cam/s"));
        Assert.Null(FrameSources.SchemeProblem("clips/door.mp4"));
    }

    [Fact]
    public void VideoFileSourceReportsMissingAndCorruptFilesAsPermanent()
    {
        string corrupt = Path.Combine(_dir, "corrupt.avi");
        File.WriteAllBytes(corrupt, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray());
        foreach (string path in new[] { Path.Combine(_dir, "missing.avi"), corrupt })
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
        using var source = new VideoFileSource(Video(frames: 5), loop: true, realTime: false);
        using var frame = new Mat();
        source.Open(default);
        Assert.Equal(20, source.FramesPerSecond, 3);
        var buffers = new HashSet<IntPtr>();
        for (int i = 0; i < 13; i++) // 5 frames a pass: two wraps
        {
            Assert.True(source.Read(frame, default));
            buffers.Add(frame.Data);
        }
        // Frames reuse the buffer; only a wrap may bring a new one (OpenCV releases the Mat when a read hits the end).
        Assert.InRange(buffers.Count, 1, 3);
        Assert.Equal((Width, Height), (frame.Width, frame.Height));
    }

    [Fact]
    public void MissingV4l2DeviceIsARetryableErrorNamingTheDevice()
    {
        using var source = new V4l2Source(63, "/dev/video63");
        var e = Assert.Throws<FrameSourceException>(() => source.Open(default));
        Assert.False(e.Permanent); // a USB camera may be plugged in later: keep retrying with backoff
        Assert.Contains("/dev/video63", e.Message);
    }

    static readonly ReconnectPolicy Quick = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), MaxAttempts: 3);

    [Fact]
    public void ReaderReadsAFileToItsEndIntoTheCallersBuffer()
    {
        string video = Video(frames: 7);
        using var buffer = new Mat();
        var opened = new List<string>();
        int frames = 0;
        var reader = new ReconnectingReader(() => FrameSources.Create(new FrameSourceOptions(video)), Quick);
        reader.Opened += s => opened.Add(s.Description);
        var outcome = reader.Run(() => buffer, frame => { Assert.Same(buffer, frame); frames++; }, default);
        Assert.Equal((ReadEnd.Ended, 7), (outcome.End, frames));
        Assert.Equal([video], opened);
    }

    [Fact]
    public void ReaderReopensAFailingSourceWithBackoffAndGivesUpAfterMaxAttempts()
    {
        var attempts = new List<ReconnectAttempt>();
        int created = 0;
        var reader = new ReconnectingReader(() => { created++; return new FailingSource(framesBeforeFailing: 0); }, Quick, new Random(1));
        reader.Reconnecting += attempts.Add;
        using var buffer = new Mat();
        var outcome = reader.Run(() => buffer, _ => { }, default);
        Assert.Equal(new ReadOutcome(ReadEnd.GaveUp, "no signal"), outcome);
        Assert.Equal(4, created); // the first try and three reconnects
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Number));
        Assert.All(attempts, a => Assert.InRange(a.Delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(4)));
    }

    [Fact]
    public void AFrameResetsTheAttemptsSoAFlakySourceIsReadOnAndOn()
    {
        int frames = 0;
        using var stop = new CancellationTokenSource();
        // Every source fails after two frames: without the reset, the fourth failure would give up.
        var reader = new ReconnectingReader(() => new FailingSource(framesBeforeFailing: 2), Quick, new Random(1));
        using var buffer = new Mat();
        var outcome = reader.Run(() => buffer, _ => { if (++frames == 20) stop.Cancel(); }, stop.Token);
        Assert.Equal((ReadEnd.Stopped, 20), (outcome.End, frames));
    }

    [Fact]
    public void APermanentErrorFailsAtOnce()
    {
        string missing = Path.Combine(_dir, "missing.avi");
        var reader = new ReconnectingReader(() => FrameSources.Create(new FrameSourceOptions(missing)), Quick);
        int reconnects = 0;
        reader.Reconnecting += _ => reconnects++;
        using var buffer = new Mat();
        var outcome = reader.Run(() => buffer, _ => { }, default);
        Assert.Equal((ReadEnd.Failed, 0), (outcome.End, reconnects));
        Assert.Contains(missing, outcome.Error);
    }

    /// <summary>Opens, delivers a few frames, then loses its signal, as a flaky camera does.</summary>
    sealed class FailingSource(int framesBeforeFailing) : IFrameSource
    {
        int _read;

        public string Description => "flaky";
        public double FramesPerSecond => 0;
        public void Open(CancellationToken ct) { if (framesBeforeFailing == 0) throw new FrameSourceException("no signal"); }

        public bool Read(Mat frame, CancellationToken ct)
        {
            if (_read++ == framesBeforeFailing) throw new FrameSourceException("no signal");
            frame.Create(2, 2, MatType.CV_8UC3);
            return true;
        }

        public void Dispose() { }
    }
}
