namespace ParNetDetect.Service.Configuration;

/// <summary>One camera: where frames come from and what to do with them. The object filter it inherits applies to
/// every label, <see cref="Labels"/> overrides it per label.</summary>
public sealed class CameraOptions : ObjectFilterOptions
{
    /// <summary>Short id used in URLs, topics and events: letters, digits, '-' and '_'.</summary>
    public string Id { get; set; } = "";

    /// <summary>
    /// A video file path, a V4L2 device (/dev/video0 or an index like "0"), or an rtsp(s)://, http(s)://, rtmp://,
    /// udp://, tcp:// or srt:// URL (scheme in any case) read through an ffmpeg child process.
    /// </summary>
    public string Source { get; set; } = "";

    /// <summary>Files only: start again at the end instead of stopping.</summary>
    public bool Loop { get; set; }
    /// <summary>Files only: deliver frames at the file's frame rate; false: as fast as the detector takes them.</summary>
    public bool RealTime { get; set; } = true;

    /// <summary>Most frames per second sent to the detector; 0 = as many as the detector keeps up with.</summary>
    public double FpsCap { get; set; } = 5;
    /// <summary>Class names to keep; empty keeps all.</summary>
    public List<string> Classes { get; set; } = new();
    /// <summary>Per label (a class name of the model): filter values that replace the camera's.</summary>
    public Dictionary<string, ObjectFilterOptions> Labels { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Polygons (normalized points) where objects are ignored: a box whose bottom centre lies inside.</summary>
    public List<List<double[]>> ObjectMasks { get; set; } = new();
    public List<ZoneOptions> Zones { get; set; } = new();
    public MotionOptions Motion { get; set; } = new();
    public ReconnectOptions Reconnect { get; set; } = new();
    public TrackerOptions Tracker { get; set; } = new();
    /// <summary>Attach an annotated JPEG to "entered" and "new" events.</summary>
    public bool Snapshots { get; set; }
    public CameraHistoryOptions History { get; set; } = new();
    /// <summary>Network sources: frame size ffmpeg scales to; 0 keeps the stream's own size (probed with ffprobe).</summary>
    public int Width { get; set; }
    public int Height { get; set; }
}

/// <summary>A named polygon; points are normalized (x, y) in [0, 1] of the frame, so they survive resolution changes.</summary>
public sealed class ZoneOptions
{
    public string Name { get; set; } = "";
    /// <summary>At least three [x, y] pairs.</summary>
    public List<double[]> Points { get; set; } = new();
}

public sealed class MotionOptions
{
    /// <summary>Skip inference while frame differencing sees no motion: the main CPU saver without a GPU.</summary>
    public bool Enabled { get; set; }
    /// <summary>Grey-level change (0-255) that counts a pixel as moving.</summary>
    public int PixelThreshold { get; set; } = 25;
    /// <summary>Fraction of moving pixels (of the small grey frame) that counts as motion.</summary>
    public double MinChangedFraction { get; set; } = 0.002;
    /// <summary>Keep detecting this long after the last motion, so objects that stop are still seen leaving.</summary>
    public double HoldSeconds { get; set; } = 2;
    /// <summary>Polygons (normalized points) whose changes never count as motion: a clock, trees in the wind.</summary>
    public List<List<double[]>> Masks { get; set; } = new();
}

public sealed class ReconnectOptions
{
    public double InitialDelaySeconds { get; set; } = 0.5;
    public double MaxDelaySeconds { get; set; } = 30;
    /// <summary>Consecutive failed attempts before the camera is marked failed for good; 0 = retry forever.</summary>
    public int MaxAttempts { get; set; }
    /// <summary>A source that delivers no frame for this long is treated as dead and reopened.</summary>
    public double ReadTimeoutSeconds { get; set; } = 10;
}

public sealed class TrackerOptions
{
    /// <summary>Minimum IoU between a track's last box and a detection to continue the track.</summary>
    public double MatchIou { get; set; } = 0.3;
    /// <summary>Detections a new track needs before it is reported (filters one-frame flickers).</summary>
    public int MinHits { get; set; } = 2;
    /// <summary>A track unseen for this long is "gone". Frigate's default (five seconds of frames): an object hidden for
    /// a few seconds, or missed by the detector that long, comes back as itself rather than as a new object.</summary>
    public double LostAfterSeconds { get; set; } = 5;
    /// <summary>An object whose box has not moved for this long is stationary: no updates until it moves, a track
    /// never confirmed ends, and the object's history event is stationary from then to its end. The service's one rule
    /// for stillness. 0 = never.</summary>
    public double StationarySeconds { get; set; } = 10;
}
