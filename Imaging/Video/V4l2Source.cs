using OpenCvSharp;

namespace ParNetDetect.Imaging.Video;

/// <summary>A local camera through OpenCV's V4L2 backend (USB webcams, capture cards).</summary>
public sealed class V4l2Source(int index, string configured) : IFrameSource
{
    VideoCapture? _capture;

    public string Description => configured;
    public double FramesPerSecond => _capture?.Fps ?? 0;

    public void Open(CancellationToken ct)
    {
        _capture?.Dispose();
        _capture = new VideoCapture(index, VideoCaptureAPIs.V4L2);
        if (!_capture.IsOpened())
            throw new FrameSourceException($"V4L2 device '{configured}' (/dev/video{index}) could not be opened (missing, busy, or no permission: is the user in group 'video'?).");
    }

    public bool Read(Mat frame, CancellationToken ct)
    {
        var capture = _capture ?? throw new InvalidOperationException("Open the source first.");
        if (!capture.Read(frame) || frame.Empty())
            throw new FrameSourceException($"V4L2 device '{configured}' stopped delivering frames (unplugged?).");
        return true;
    }

    public void Dispose()
    {
        _capture?.Dispose();
        _capture = null;
    }
}
