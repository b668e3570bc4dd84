using OpenCvSharp;

namespace ParNetDetect.Service.Cameras;

/// <summary>
/// A camera's frames, read one at a time on the camera's own thread. Open and Read throw
/// <see cref="FrameSourceException"/> with a message that names the source; the camera worker decides whether
/// to reconnect.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>The source as shown in logs and the API, with any URL credentials masked.</summary>
    string Description { get; }

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
