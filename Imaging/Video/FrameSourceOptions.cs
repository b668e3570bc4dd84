namespace ParNetDetect.Imaging.Video;

/// <summary>What <see cref="FrameSources.Create"/> opens, and how.</summary>
/// <param name="Source">A video file, a V4L2 device (/dev/video0 or an index like "0"), or a URL of one of
/// <see cref="FrameSources.NetworkSchemes"/> (scheme in any case) read through an ffmpeg child process.</param>
public sealed record FrameSourceOptions(string Source)
{
    /// <summary>Files only: start again at the end instead of stopping.</summary>
    public bool Loop { get; init; }

    /// <summary>Files only: deliver frames at the file's frame rate rather than as fast as they decode.</summary>
    public bool RealTime { get; init; }

    /// <summary>Network sources: the frame size ffmpeg scales to; 0 keeps the stream's own (probed with ffprobe).</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>Network sources: a stream that delivers no frame for this long is treated as dead.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
