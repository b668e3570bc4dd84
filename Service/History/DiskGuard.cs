using Microsoft.Extensions.Logging;

namespace ParNetDetect.Service.History;

/// <summary>
/// Watches the free space of the history folder's disk. Below the minimum it is <see cref="Low"/>: clip recorders
/// open no clip and close the open ones, /metrics and /readyz say so, and the warning is logged once (and the
/// recovery once), so the disk never fills with recordings. Events and snapshots go on: they are small, and retention
/// keeps them within each camera's budget.
/// </summary>
public sealed class DiskGuard(string folder, double minFreeMB, ILogger logger)
{
    volatile bool _low;
    long _free = -1;

    public bool Low => _low;
    /// <summary>Free bytes at the last check; -1 before the first.</summary>
    public long FreeBytes => Interlocked.Read(ref _free);
    public long MinFreeBytes { get; } = (long)(minFreeMB * 1024 * 1024);

    public void Check()
    {
        long free;
        // The folder may not exist yet (the writer creates it): its nearest existing parent is on the same disk.
        string? existing = Path.GetFullPath(folder);
        while (existing != null && !Directory.Exists(existing)) existing = Path.GetDirectoryName(existing);
        if (existing == null) return;
        try { free = new DriveInfo(existing).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return; }
        Interlocked.Exchange(ref _free, free);
        bool low = free < MinFreeBytes;
        if (low && !_low)
            logger.LogWarning("Event history: {Free} MiB free on the disk of {Folder}, under the minimum {Min} MiB (History:MinFreeDiskMB): clips are paused",
                free >> 20, folder, MinFreeBytes >> 20);
        else if (!low && _low)
            logger.LogInformation("Event history: {Free} MiB free on the disk of {Folder}: clips are recorded again", free >> 20, folder);
        _low = low;
    }
}
