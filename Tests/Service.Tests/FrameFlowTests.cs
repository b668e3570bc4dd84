using OpenCvSharp;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Metrics;
using ParNetDetect.Service.Pipeline;
using ParNetDetect.Service.Tracking;

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
    public async Task WaitUntilTakenReturnsWhenTheLoopTakesTheFrameOrTheCameraStops()
    {
        using var slot = new LatestFrameSlot();
        slot.WriteBuffer.Create(2, 2, MatType.CV_8UC1);
        slot.Publish(DateTimeOffset.UtcNow);
        var waiting = Task.Run(() => slot.WaitUntilTaken(CancellationToken.None));
        Assert.True(slot.TryTake(out _));
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        slot.Publish(DateTimeOffset.UtcNow);
        using var stop = new CancellationTokenSource();
        var stopped = Task.Run(() => slot.WaitUntilTaken(stop.Token));
        stop.Cancel();
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(slot.TryTake(out _));
        slot.WaitUntilTaken(CancellationToken.None);   // nothing pending: returns at once
    }

    [Fact]
    public async Task AFileReadFasterThanRealTimeIsReadOnDemandAndLosesNoFrame()
    {
        const int Frames = 40;
        using var slot = new LatestFrameSlot();
        var health = new CameraHealth();
        var metrics = new CameraMetrics();
        var camera = new CameraOptions { Id = "file", Source = "clip.avi", RealTime = false };
        var worker = new CameraWorker(camera, _ => new NumberedFrames(Frames), slot, health, metrics,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var capture = Task.Factory.StartNew(() => worker.Run(CancellationToken.None), TaskCreationOptions.LongRunning);
        var seen = new List<byte>();
        while (seen.Count < Frames)
        {
            if (slot.TryTake(out var frame)) seen.Add(frame.Image.At<byte>(0, 0));   // a detector slower than decoding
            else await Task.Yield();
        }
        await capture.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => (byte)i), seen);
        Assert.Equal(0, slot.Dropped);
        Assert.Equal(CameraState.Ended, health.State);
    }

    /// <summary>A video file of <c>count</c> frames whose first pixel holds the frame number.</summary>
    sealed class NumberedFrames(int count) : ParNetDetect.Imaging.Video.IFrameSource
    {
        int _next;
        public string Description => "clip.avi";
        public double FramesPerSecond => 25;
        public void Open(CancellationToken ct) { }

        public bool Read(Mat frame, CancellationToken ct)
        {
            if (_next == count) return false;
            frame.Create(2, 2, MatType.CV_8UC1);
            frame.SetTo(new Scalar(_next++));
            return true;
        }

        public void Dispose() { }
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
    public void ChangesInsideAMotionMaskDoNotOpenTheGate()
    {
        var leftHalf = new List<double[]> { new[] { 0.0, 0 }, new[] { 0.5, 0 }, new[] { 0.5, 1 }, new[] { 0.0, 1 } };
        using var gate = new MotionGate(new MotionOptions { Enabled = true, HoldSeconds = 0, Masks = [leftHalf] });
        using var frame = new Mat(120, 160, MatType.CV_8UC3, new Scalar(40, 40, 40));
        var t = DateTimeOffset.UnixEpoch;
        Assert.True(gate.ShouldDetect(frame, t));                       // first frame: look once
        Cv2.Rectangle(frame, new Rect(10, 40, 30, 30), Scalar.White, -1); // a clock ticking in the masked half
        Assert.False(gate.ShouldDetect(frame, t.AddSeconds(1)));
        Assert.Equal(0, gate.LastChangedFraction);
        Cv2.Rectangle(frame, new Rect(110, 40, 30, 30), Scalar.White, -1); // something moves in the other half
        Assert.True(gate.ShouldDetect(frame, t.AddSeconds(2)));
    }

    [Fact]
    public void TheLiveViewOutlinesTheObjectMasks()
    {
        var square = new List<double[]> { new[] { 0.25, 0.25 }, new[] { 0.75, 0.25 }, new[] { 0.75, 0.75 }, new[] { 0.25, 0.75 } };
        using var annotator = new FrameAnnotator([], new ObjectMask([square]), jpegQuality: 95);
        using var frame = new Mat(100, 100, MatType.CV_8UC3, Scalar.Black);
        byte[] jpeg = annotator.Encode(frame, new FrameReport("cam", default, default, 100, 100, false, []));
        using var drawn = Cv2.ImDecode(jpeg, ImreadModes.Grayscale);
        Assert.InRange(drawn.At<byte>(25, 50), 60, 200); // on the outline (row 25, column 50): grey
        Assert.InRange(drawn.At<byte>(50, 50), 0, 20);   // inside: the frame as it was
    }
}
