using OpenCvSharp;

namespace ParNetDetect.Imaging.Video;

/// <summary>
/// A video's frames (a file, a camera, a stream), read one at a time on one thread. Open and Read throw
/// <see cref="FrameSourceException"/> with a message that names the source; the reader
/// (<see cref="ReconnectingReader"/>) decides whether to reconnect.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>The source as shown in logs and the API, with any URL credentials masked.</summary>
    string Description { get; }

    /// <summary>Frames per second as the open source reports them; 0 when it does not say (a network stream).</summary>
    double FramesPerSecond { get; }

    void Open(CancellationToken ct);

    /// <summary>Reads the next frame into <paramref name="frame"/> (reusing its buffer when the size matches).
    /// Returns false at the end of the stream.</summary>
    bool Read(Mat frame, CancellationToken ct);
}

/// <summary>A source failure. <see cref="Permanent"/> ones (a missing or undecodable file) are not retried.</summary>
public sealed class FrameSourceException(string message, bool permanent = false, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}
