using System.Diagnostics;
using OpenCvSharp;

namespace ParNetDetect.Imaging.Video;

/// <summary>
/// A video file decoded by OpenCV's bundled FFmpeg. Optionally loops, and optionally paces frames at the file's
/// own frame rate so a recording behaves like a live camera (detection then skips frames the way it would live).
/// </summary>
public sealed class VideoFileSource(string path, bool loop, bool realTime) : IFrameSource
{
    VideoCapture? _capture;
    double _frameSeconds;
    readonly Stopwatch _clock = new();
    long _framesSinceStart;

    public string Description => path;
    public double FramesPerSecond => _frameSeconds > 0 ? 1 / _frameSeconds : 0;

    public void Open(CancellationToken ct)
    {
        if (!File.Exists(path))
            throw new FrameSourceException($"video file '{path}' does not exist.", permanent: true);
        _capture?.Dispose();
        _capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!_capture.IsOpened())
            throw new FrameSourceException($"video file '{path}' could not be opened: not a video OpenCV's FFmpeg can decode.", permanent: true);
        double fps = _capture.Get(VideoCaptureProperties.Fps);
        _frameSeconds = fps is > 0 and < 1000 ? 1.0 / fps : 1.0 / 25;
        _clock.Restart();
        _framesSinceStart = 0;
    }

    public bool Read(Mat frame, CancellationToken ct)
    {
        if (_capture == null) throw new InvalidOperationException("Open the source first.");
        if (!_capture.Read(frame) || frame.Empty())
        {
            if (_framesSinceStart == 0)
                throw new FrameSourceException($"video file '{path}' opened but no frame could be decoded (corrupt or empty).", permanent: true);
            if (!loop) return false;
            // Seeking back is unreliable for some containers; reopening always works and costs little once per loop.
            long framesBefore = _framesSinceStart;
            Open(ct);
            if (!_capture.Read(frame) || frame.Empty())
                throw new FrameSourceException($"video file '{path}' yielded {framesBefore} frames, then none after looping.", permanent: true);
        }
        _framesSinceStart++;
        if (realTime) Pace(ct);
        return true;
    }

    void Pace(CancellationToken ct)
    {
        double due = _framesSinceStart * _frameSeconds;
        double wait = due - _clock.Elapsed.TotalSeconds;
        if (wait > 0) ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(wait));
        else if (wait < -1) { _clock.Restart(); _framesSinceStart = 0; } // fell far behind (debugger, suspend): resync, don't burst
    }

    public void Dispose()
    {
        _capture?.Dispose();
        _capture = null;
    }
}
