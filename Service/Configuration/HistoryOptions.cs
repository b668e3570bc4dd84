namespace ParNetDetect.Service.Configuration;

/// <summary>
/// The event history: every object event in an SQLite database with its best snapshot and, for cameras that record,
/// a clip; kept per camera for as long as <see cref="CameraHistoryOptions"/> says, on a disk that never fills.
/// </summary>
public sealed class HistoryOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Folder of events.db, snapshots/ and clips/; relative to the working directory (under systemd,
    /// /var/lib/parnet-detect/history).</summary>
    public string Directory { get; set; } = "history";
    /// <summary>Events waiting for the database beyond this are dropped (and counted) rather than stalling detection.</summary>
    public int QueueCapacity { get; set; } = 4096;
    /// <summary>Below this much free space on the history folder's disk no clip is written (/readyz and /metrics say
    /// so), so recordings never fill the disk that the database and the system need.</summary>
    public double MinFreeDiskMB { get; set; } = 1024;
    /// <summary>How often expired and over-budget events and clips are deleted.</summary>
    public double RetentionIntervalSeconds { get; set; } = 60;
    /// <summary>The ffmpeg that encodes clips (H.264 MP4); a full path where it is not on PATH.</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";
}

/// <summary>One camera's part of the history (Cameras[i].History): how long events and clips are kept, and clips.</summary>
public sealed class CameraHistoryOptions
{
    /// <summary>Events (rows and snapshots) older than this are deleted, unless retained.</summary>
    public double EventDays { get; set; } = 30;
    /// <summary>Record a clip of each event (H.264 MP4 through ffmpeg).</summary>
    public bool Clips { get; set; }
    /// <summary>Clips older than this are deleted (their events stay), unless an event in them is retained.</summary>
    public double ClipDays { get; set; } = 7;
    /// <summary>A clip starts this long before its first event.</summary>
    public double PreRollSeconds { get; set; } = 5;
    /// <summary>...and ends this long after its last event (events that overlap share one clip).</summary>
    public double PostRollSeconds { get; set; } = 5;
    /// <summary>A clip longer than this is closed and the next one begins, so one busy hour is not one file.</summary>
    public double MaxClipSeconds { get; set; } = 300;
    /// <summary>Disk held by this camera's snapshots and clips; beyond it the oldest unretained go first.</summary>
    public double MaxDiskMB { get; set; } = 10240;
}
