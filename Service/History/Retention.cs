using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace ParNetDetect.Service.History;

/// <summary>
/// What the history keeps, per camera, applied by the writer in its own transaction: events older than EventDays go
/// (rows and snapshots), clips older than ClipDays go (their events stay, without a clip), clips no event points to
/// go (after an hour), and while the camera's snapshots and clips together exceed MaxDiskMB the oldest of them go first, whole
/// events or whole clips (checked at each pass, and by the writer whenever a write puts a camera over). A retained
/// event is never deleted by retention, and neither is a clip it is in. Files are deleted after the commit (through
/// <c>deleteFile</c>).
/// </summary>
public sealed class Retention(IEnumerable<CameraHistory> cameras)
{
    const int Chunk = 500;
    readonly IReadOnlyList<CameraHistory> _cameras = cameras.ToList();
    readonly ConcurrentDictionary<string, long> _diskBytes = new();

    /// <summary>Snapshot and clip bytes per camera: counted at each pass, and raised by <see cref="Grew"/> between.</summary>
    public IReadOnlyDictionary<string, long> DiskBytes => _diskBytes;

    /// <summary>The writer wrote <paramref name="bytes"/> more for the camera; true when that puts it over its budget,
    /// so a pass should run now rather than at the next interval.</summary>
    public bool Grew(string camera, long bytes)
    {
        long held = _diskBytes.AddOrUpdate(camera, bytes, (_, b) => b + bytes);
        return _cameras.FirstOrDefault(c => c.Camera == camera) is { } h && held > h.Options.MaxDiskMB * 1024 * 1024;
    }

    public void Apply(SqliteConnection db, SqliteTransaction t, DateTimeOffset now, Action<string> deleteFile)
    {
        foreach (var camera in _cameras)
        {
            var o = camera.Options;
            long eventCutoff = (now - TimeSpan.FromDays(o.EventDays)).ToUnixTimeMilliseconds();
            DeleteEvents(db, t, deleteFile, "camera = $camera AND retain = 0 AND end_ms IS NOT NULL AND start_ms < $cutoff",
                ("$camera", camera.Camera), ("$cutoff", eventCutoff));

            long clipCutoff = (now - TimeSpan.FromDays(o.ClipDays)).ToUnixTimeMilliseconds();
            DeleteClips(db, t, deleteFile, "camera = $camera AND end_ms < $cutoff AND NOT " + InRetainedEvent,
                ("$camera", camera.Camera), ("$cutoff", clipCutoff));
            // An hour's grace: a clip can be written before its events, which queue behind the other sinks.
            DeleteClips(db, t, deleteFile, "camera = $camera AND end_ms < $cutoff AND NOT EXISTS (SELECT 1 FROM events e WHERE e.clip = clips.path)",
                ("$camera", camera.Camera), ("$cutoff", (now - TimeSpan.FromHours(1)).ToUnixTimeMilliseconds()));

            _diskBytes[camera.Camera] = HeldBytes(db, t, camera.Camera);
        }
        EnforceBudgets(db, t, deleteFile);
    }

    /// <summary>Brings every camera over its budget back under it, oldest first, from the bytes counted so far: cheap
    /// enough for the writer to run whenever a write put a camera over.</summary>
    public void EnforceBudgets(SqliteConnection db, SqliteTransaction t, Action<string> deleteFile)
    {
        foreach (var camera in _cameras)
        {
            long budget = (long)(camera.Options.MaxDiskMB * 1024 * 1024);
            long held = _diskBytes.GetValueOrDefault(camera.Camera);
            while (held > budget)
            {
                long freed = EvictOldest(db, t, camera.Camera, held - budget, deleteFile);
                if (freed == 0) break; // only retained events and their clips are left
                held -= freed;
            }
            _diskBytes[camera.Camera] = held;
        }
    }

    const string InRetainedEvent = "EXISTS (SELECT 1 FROM events e WHERE e.clip = clips.path AND e.retain = 1)";

    /// <summary>Deletes one event (the API's DELETE), its snapshots, and its clip when no other event is in it.</summary>
    public bool DeleteEvent(SqliteConnection db, SqliteTransaction t, long id, Action<string> deleteFile)
    {
        var clip = HistoryDatabase.Scalar(db, "SELECT clip FROM events WHERE id = $id", t, ("$id", id));
        if (DeleteEvents(db, t, deleteFile, "id = $id", ("$id", id)) == 0) return false;
        if (clip is string path)
            DeleteClips(db, t, deleteFile, "path = $path AND NOT EXISTS (SELECT 1 FROM events e WHERE e.clip = clips.path)", ("$path", path));
        return true;
    }

    static long HeldBytes(SqliteConnection db, SqliteTransaction t, string camera) =>
        Convert.ToInt64(HistoryDatabase.Scalar(db, """
            SELECT (SELECT ifnull(sum(snapshot_bytes), 0) FROM events WHERE camera = $camera)
                 + (SELECT ifnull(sum(bytes), 0) FROM clips WHERE camera = $camera)
            """, t, ("$camera", camera)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Deletes the oldest events and clips of the camera (by start) until <paramref name="excess"/> bytes are
    /// freed or nothing deletable is left; returns the bytes freed.</summary>
    static long EvictOldest(SqliteConnection db, SqliteTransaction t, string camera, long excess, Action<string> deleteFile)
    {
        using var command = HistoryDatabase.Command(db, $"""
            SELECT 'event', CAST(id AS TEXT), start_ms, snapshot_bytes FROM events
                WHERE camera = $camera AND retain = 0 AND end_ms IS NOT NULL AND snapshot_bytes > 0
            UNION ALL
            SELECT 'clip', path, start_ms, bytes FROM clips WHERE camera = $camera AND NOT {InRetainedEvent}
            ORDER BY 3 LIMIT {Chunk}
            """, t, ("$camera", camera));
        var victims = new List<(bool IsEvent, string Key, long Bytes)>();
        long freed = 0;
        using (var r = command.ExecuteReader())
            while (freed < excess && r.Read())
            {
                victims.Add((r.GetString(0) == "event", r.GetString(1), r.GetInt64(3)));
                freed += r.GetInt64(3);
            }
        foreach (var (isEvent, key, _) in victims)
            if (isEvent) DeleteEvents(db, t, deleteFile, "id = $id", ("$id", long.Parse(key, System.Globalization.CultureInfo.InvariantCulture)));
            else DeleteClips(db, t, deleteFile, "path = $path", ("$path", key));
        return freed;
    }

    static int DeleteEvents(SqliteConnection db, SqliteTransaction t, Action<string> deleteFile, string where, params (string, object?)[] parameters)
    {
        int deleted = 0;
        while (true)
        {
            using var command = HistoryDatabase.Command(db,
                $"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE {where} LIMIT {Chunk}) RETURNING snapshot, snapshot_clean", t, parameters);
            int n = 0;
            using (var r = command.ExecuteReader())
                while (r.Read())
                {
                    n++;
                    for (int i = 0; i < 2; i++)
                        if (!r.IsDBNull(i)) deleteFile(r.GetString(i));
                }
            deleted += n;
            if (n < Chunk) return deleted;
        }
    }

    static void DeleteClips(SqliteConnection db, SqliteTransaction t, Action<string> deleteFile, string where, params (string, object?)[] parameters)
    {
        var paths = new List<string>();
        using (var command = HistoryDatabase.Command(db, $"DELETE FROM clips WHERE {where} RETURNING path", t, parameters))
        using (var r = command.ExecuteReader())
            while (r.Read()) paths.Add(r.GetString(0));
        foreach (string path in paths)
        {
            HistoryDatabase.Execute(db, "UPDATE events SET clip = NULL, clip_offset_ms = NULL WHERE clip = $path", t, ("$path", path));
            deleteFile(path);
        }
    }
}
