using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.History;

/// <summary>
/// The one writer of the history database, on its own thread. It follows the event stream keyed by (camera, object):
/// the first event of an object inserts its row (whatever its type, so a lost "new" or a future "update" still makes
/// one), every later event adds the zones it names and raises the top score, an object the tracker has reported
/// stationary (<see cref="StationaryObjects"/>) marks it stationary for good, and "gone" (or "end") closes it. With
/// its events the object's best frame is taken, if it changed since it was last written, as the event's snapshot
/// (clean and annotated JPEG, written before the row that names them is committed). Events wait in a bounded queue:
/// when the disk is slow or the file is locked, new events are dropped and counted, and detection never waits.
/// Messages are applied in batches, one transaction each, so an event is in the database whole or not at all.
/// Retention, finished clips and the API's retain and delete run through the same queue, so there is one writer.
/// </summary>
public sealed class HistoryWriter
{
    const int BatchSize = 512;
    /// <summary>Far more objects than any scene holds at once: beyond it, objects whose end was dropped are let go.</summary>
    public const int MaxOpenEvents = 10_000;
    static readonly TimeSpan SnapshotEvery = TimeSpan.FromSeconds(5);
    static readonly TimeSpan BusyRetry = TimeSpan.FromMilliseconds(250);
    readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    readonly HistoryOptions _options;
    readonly IReadOnlyDictionary<string, CameraHistory> _cameras;
    readonly ILogger _logger;
    readonly Thread _thread;
    readonly Dictionary<(string Camera, long ObjectId), OpenEvent> _open = new();
    readonly Retention _retention;
    SqliteConnection? _connection;
    volatile HistoryDatabase? _database;
    volatile string? _unavailable;
    volatile bool _stopping;
    bool _failing, _overBudget, _budgetDue;
    int _queuedEvents;
    long _dropped, _written;

    public HistoryWriter(HistoryOptions options, IReadOnlyDictionary<string, CameraHistory> cameras, ILogger logger)
    {
        (_options, _cameras, _logger) = (options, cameras, logger);
        _retention = new Retention(cameras.Values);
        _thread = new Thread(Run) { Name = "history-writer", IsBackground = true };
    }

    /// <summary>The open database, or null before it is open and when the history is unavailable.</summary>
    public HistoryDatabase? Database => _database;
    /// <summary>Why the history is off (one line), or null.</summary>
    public string? Unavailable => _unavailable;
    /// <summary>Events dropped: the queue was full, the history is unavailable, or a write failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Written => Interlocked.Read(ref _written);
    /// <summary>Snapshot and clip bytes each camera holds, as of the last retention pass.</summary>
    public IReadOnlyDictionary<string, long> DiskBytes => _retention.DiskBytes;

    /// <summary>Raised on the writer thread after an annotated snapshot is committed (Home Assistant's camera image).</summary>
    public event Action<string, byte[]>? SnapshotSaved;

    public void Start() => _thread.Start();

    /// <summary>Queues an event; false (and counted) when the queue is full.</summary>
    public bool TryWrite(ObjectEvent e)
    {
        if (Interlocked.Increment(ref _queuedEvents) > _options.QueueCapacity || !_queue.Writer.TryWrite(e))
        {
            Interlocked.Decrement(ref _queuedEvents);
            Interlocked.Increment(ref _dropped);
            return false;
        }
        return true;
    }

    public void ClipEnded(ClipResult clip) => _queue.Writer.TryWrite(clip);
    /// <summary>The tracker has reported the object stationary: its open event is marked stationary now, not at its
    /// next event.</summary>
    public void ObjectStationary(string camera, long objectId) => _queue.Writer.TryWrite(new StationaryObject(camera, objectId));
    public void ApplyRetention() => _queue.Writer.TryWrite(new RetentionDue());

    /// <summary>Sets or clears an event's retain flag; false when there is no such event (or no history).</summary>
    public Task<bool> RetainAsync(long id, bool retain) => Send(new RetainRequest(id, retain));
    /// <summary>Deletes an event, its snapshots, and its clip unless another event is in it.</summary>
    public Task<bool> DeleteAsync(long id) => Send(new DeleteRequest(id));

    Task<bool> Send(Request request) => _queue.Writer.TryWrite(request) ? request.Done.Task : Task.FromResult(false);

    /// <summary>Writes what is queued and closes the database, waiting at most <paramref name="timeout"/>.</summary>
    public void Stop(TimeSpan timeout)
    {
        _queue.Writer.TryComplete();
        if (_thread.IsAlive && !_thread.Join(timeout))
        {
            _stopping = true; // stop retrying a locked file
            _thread.Join(TimeSpan.FromSeconds(6));
        }
    }

    void Run()
    {
        try
        {
            var database = HistoryDatabase.Open(_options.Directory, _logger);
            _connection = database.OpenWriter();
            CloseEventsOfEarlierRuns();
            DeleteUnfinishedClips(database.Folder);
            _database = database;
            _logger.LogInformation("Event history is kept in {Path}", database.FilePath);
        }
        catch (Exception e) when (e is HistoryUnavailableException or SqliteException or IOException or UnauthorizedAccessException)
        {
            _unavailable = e.Message;
            _logger.LogError("Event history is off: {Reason}; detection goes on", e.Message);
        }
        var batch = new List<object>(BatchSize);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var message)) batch.Add(message);
            if (_database == null) Drop(batch);
            else Apply(batch);
            Interlocked.Add(ref _queuedEvents, -batch.Count(m => m is ObjectEvent));
        }
        _connection?.Dispose();
        _database?.ReleasePools();
    }

    /// <summary>Events a killed run left open end at their last update.</summary>
    void CloseEventsOfEarlierRuns() =>
        HistoryDatabase.Execute(_connection!, "UPDATE events SET end_ms = updated_ms WHERE end_ms IS NULL");

    static void DeleteUnfinishedClips(string folder)
    {
        string clips = Path.Combine(folder, "clips");
        if (!Directory.Exists(clips)) return;
        foreach (string part in Directory.EnumerateFiles(clips, "*.part", SearchOption.AllDirectories))
            try { File.Delete(part); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a stray file, not a reason to stop
    }

    void Apply(List<object> batch)
    {
        var afterCommit = new List<Action>();
        while (true)
        {
            try
            {
                using (var transaction = _connection!.BeginTransaction())
                {
                    foreach (var message in batch) Apply(message, transaction, afterCommit);
                    transaction.Commit();
                }
                break;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 /* BUSY, LOCKED */ && !_stopping)
            {
                // Another process holds the file: keep the batch and try again; new events meanwhile queue up and,
                // once the queue is full, are dropped and counted.
                afterCommit.Clear();
                ReloadOpenEvents();
                Thread.Sleep(BusyRetry);
            }
            catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or OpenCVException)
            {
                afterCommit.Clear();
                if (!_failing)
                    _logger.LogError("Event history: writing {Path} failed ({Error}); events are dropped until it works again",
                        _database!.FilePath, e.Message);
                _failing = true;
                Drop(batch);
                ReloadOpenEvents();
                return;
            }
        }
        foreach (var action in afterCommit) action();
        // A camera over its disk budget is brought back at once, not at the next retention interval.
        if (_overBudget && !_budgetDue) _budgetDue = _queue.Writer.TryWrite(new BudgetDue());
        long events = batch.Count(m => m is ObjectEvent);
        Interlocked.Add(ref _written, events);
        if (_failing && events > 0)
        {
            _logger.LogInformation("Event history: {Path} is written again ({Dropped} events dropped so far)", _database!.FilePath, Dropped);
            _failing = false;
        }
    }

    void Drop(List<object> batch)
    {
        foreach (var message in batch)
            if (message is ObjectEvent) Interlocked.Increment(ref _dropped);
            else if (message is Request r) r.Done.TrySetResult(false);
    }

    void Apply(object message, SqliteTransaction t, List<Action> afterCommit)
    {
        switch (message)
        {
            case ObjectEvent e: ApplyEvent(e, t, afterCommit); break;
            case ClipResult clip: ApplyClip(clip, t); break;
            case StationaryObject s:
                if (_open.TryGetValue((s.Camera, s.ObjectId), out var still)) MarkStationary(still, t);
                break;
            case RetentionDue:
                _retention.Apply(_connection!, t, DateTimeOffset.UtcNow, FileDeleter(afterCommit));
                _overBudget = false;
                break;
            case BudgetDue:
                _retention.EnforceBudgets(_connection!, t, FileDeleter(afterCommit));
                (_overBudget, _budgetDue) = (false, false);
                break;
            case RetainRequest r:
                bool found = HistoryDatabase.Execute(_connection!, "UPDATE events SET retain = $retain WHERE id = $id", t,
                    ("$retain", r.Retain), ("$id", r.Id)) == 1;
                afterCommit.Add(() => r.Done.TrySetResult(found));
                break;
            case DeleteRequest d:
                bool deleted = _retention.DeleteEvent(_connection!, t, d.Id, FileDeleter(afterCommit));
                afterCommit.Add(() => d.Done.TrySetResult(deleted));
                break;
        }
    }

    /// <summary>Files go after the commit that forgets them: a crash in between leaves a stray file, never a row
    /// naming a missing one.</summary>
    Action<string> FileDeleter(List<Action> afterCommit) => relative => afterCommit.Add(() =>
    {
        try { File.Delete(Path.Combine(_database!.Folder, relative)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Event history: could not delete {File}: {Error}", relative, e.Message);
        }
    });

    void ApplyEvent(ObjectEvent e, SqliteTransaction t, List<Action> afterCommit)
    {
        var camera = _cameras.GetValueOrDefault(e.CameraId);
        var key = (e.CameraId, e.ObjectId);
        long now = e.Timestamp.ToUnixTimeMilliseconds();
        bool inserted = false;
        if (!_open.TryGetValue(key, out var open))
        {
            long start = e.FirstSeen.ToUnixTimeMilliseconds();
            // A row that CloseStale ended while its object was still in view goes on, rather than a second row.
            if (HistoryDatabase.Scalar(_connection!, """
                    UPDATE events SET end_ms = NULL WHERE camera = $camera AND start_ms = $start AND object_id = $object RETURNING id
                    """, t, ("$camera", e.CameraId), ("$start", start), ("$object", e.ObjectId)) is long known)
                _open[key] = open = new OpenEvent(known, start);
            else
            {
                _open[key] = open = new OpenEvent(Insert(e, camera, start, now, t), start);
                inserted = true;
            }
        }
        if (!inserted)
            HistoryDatabase.Execute(_connection!, "UPDATE events SET updated_ms = $now, top_score = max(top_score, $score) WHERE id = $id",
                t, ("$now", now), ("$score", e.Score), ("$id", open.Id));

        open.LastEvent = e.Timestamp;
        if (_open.Count > MaxOpenEvents) CloseStale(t, afterCommit); // this one is the newest: it stays open
        foreach (string zone in e.Type == "entered" && e.Zone != null ? e.Zones.Append(e.Zone) : e.Zones)
            if (open.Zones.Add(zone))
                HistoryDatabase.Execute(_connection!, "INSERT OR IGNORE INTO event_zones (zone, start_ms, event_id) VALUES ($zone, $start, $id)",
                    t, ("$zone", zone), ("$start", open.StartMs), ("$id", open.Id));
        // Also here: the message from the detection thread may have come before the object's first event.
        if (!open.Stationary && camera?.Stationary.Contains(e.ObjectId) == true) MarkStationary(open, t);

        // A better frame is written at once for a new event, then at most every SnapshotEvery while the object is in
        // view (a score that creeps up frame by frame would otherwise mean a JPEG per frame), and at its end.
        bool ending = e.Type is "gone" or "end";
        if ((open.SnapshotVersion == 0 || ending || e.Timestamp - open.SnapshotAt >= SnapshotEvery) &&
            camera?.Best.Take(e.ObjectId, open.SnapshotVersion) is { } best)
        {
            WriteSnapshot(camera, open, best, t, afterCommit);
            open.SnapshotAt = e.Timestamp;
        }

        if (ending)
        {
            HistoryDatabase.Execute(_connection!, "UPDATE events SET end_ms = $now WHERE id = $id", t, ("$now", now), ("$id", open.Id));
            _open.Remove(key);
            afterCommit.Add(() => camera?.Forget(e.ObjectId));
        }
    }

    void MarkStationary(OpenEvent open, SqliteTransaction t)
    {
        HistoryDatabase.Execute(_connection!, "UPDATE events SET stationary = 1 WHERE id = $id", t, ("$id", open.Id));
        open.Stationary = true;
    }

    /// <summary>The object's row, pointing into the clip being recorded at the event, if any.</summary>
    long Insert(ObjectEvent e, CameraHistory? camera, long start, long now, SqliteTransaction t)
    {
        var clip = camera?.Recorder?.ClipAt(e.Timestamp);
        long? offset = clip is { } c
            ? Math.Max(0, (long)(e.FirstSeen - c.Start).TotalMilliseconds - (long)(camera!.Options.PreRollSeconds * 1000))
            : null;
        return (long)HistoryDatabase.Scalar(_connection!, """
            INSERT INTO events (camera, object_id, label, start_ms, updated_ms, top_score, box_x1, box_y1, box_x2, box_y2, clip, clip_offset_ms)
            VALUES ($camera, $object, $label, $start, $now, $score, $x1, $y1, $x2, $y2, $clip, $offset) RETURNING id
            """, t, ("$camera", e.CameraId), ("$object", e.ObjectId), ("$label", e.Label), ("$start", start), ("$now", now),
            ("$score", e.Score), ("$x1", e.Box.X1), ("$y1", e.Box.Y1), ("$x2", e.Box.X2), ("$y2", e.Box.Y2),
            ("$clip", clip?.RelativePath), ("$offset", offset))!;
    }

    /// <summary>The best frame as snapshots/CAMERA/ID-clean.jpg and, with the object's box drawn, ID.jpg. Each file is
    /// written whole under a temporary name and renamed, so a reader never sees half a JPEG.</summary>
    void WriteSnapshot(CameraHistory camera, OpenEvent open, BestFrame best, SqliteTransaction t, List<Action> afterCommit)
    {
        string folder = Path.Combine("snapshots", camera.Camera);
        string clean = Path.Combine(folder, $"{open.Id}-clean.jpg"), annotated = Path.Combine(folder, $"{open.Id}.jpg");
        byte[] drawn;
        using (var image = Cv2.ImDecode(best.Jpeg, ImreadModes.Color))
            drawn = camera.Annotator.Encode(image, new FrameReport(camera.Camera, best.At, best.At, best.Width, best.Height, false, [best.Object]));
        Directory.CreateDirectory(Path.Combine(_database!.Folder, folder));
        WriteWhole(clean, best.Jpeg);
        WriteWhole(annotated, drawn);
        var box = best.Object.Box;
        HistoryDatabase.Execute(_connection!, """
            UPDATE events SET snapshot = $annotated, snapshot_clean = $clean, snapshot_bytes = $bytes,
                top_score = max(top_score, $score), box_x1 = $x1, box_y1 = $y1, box_x2 = $x2, box_y2 = $y2 WHERE id = $id
            """, t, ("$annotated", annotated), ("$clean", clean), ("$bytes", best.Jpeg.LongLength + drawn.LongLength),
            ("$score", best.Object.Score), ("$x1", box.X1), ("$y1", box.Y1), ("$x2", box.X2), ("$y2", box.Y2), ("$id", open.Id));
        open.SnapshotVersion = best.Version;
        _overBudget |= _retention.Grew(camera.Camera, best.Jpeg.LongLength + drawn.LongLength);
        afterCommit.Add(() => SnapshotSaved?.Invoke(camera.Camera, drawn));
    }

    void WriteWhole(string relative, byte[] bytes)
    {
        string path = Path.Combine(_database!.Folder, relative), temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    void ApplyClip(ClipResult clip, SqliteTransaction t)
    {
        if (clip.Written)
        {
            _overBudget |= _retention.Grew(clip.Camera, clip.Bytes);
            HistoryDatabase.Execute(_connection!, """
                INSERT OR REPLACE INTO clips (path, camera, start_ms, end_ms, bytes) VALUES ($path, $camera, $start, $end, $bytes)
                """, t, ("$path", clip.RelativePath), ("$camera", clip.Camera), ("$start", clip.Start.ToUnixTimeMilliseconds()),
                ("$end", clip.End.ToUnixTimeMilliseconds()), ("$bytes", clip.Bytes));
        }
        else // the events keep their snapshots; the clip they would have been in is no more
            HistoryDatabase.Execute(_connection!, "UPDATE events SET clip = NULL, clip_offset_ms = NULL WHERE clip = $path", t,
                ("$path", clip.RelativePath));
    }

    /// <summary>Ends the tenth of the open events that went longest without an event, at their last update: their
    /// "gone" was dropped (a full queue), so without this the map of open events would only grow.</summary>
    void CloseStale(SqliteTransaction t, List<Action> afterCommit)
    {
        foreach (var (key, stale) in _open.OrderBy(kv => kv.Value.LastEvent).Take(MaxOpenEvents / 10).ToList())
        {
            HistoryDatabase.Execute(_connection!, "UPDATE events SET end_ms = updated_ms WHERE id = $id", t, ("$id", stale.Id));
            _open.Remove(key);
            afterCommit.Add(() => _cameras.GetValueOrDefault(key.Camera)?.Forget(key.ObjectId));
        }
    }

    /// <summary>After a rolled-back batch the in-memory view of open events may name rows that were never written:
    /// read it again from the database. Snapshots are then written anew at the next event.</summary>
    void ReloadOpenEvents()
    {
        _open.Clear();
        using var command = HistoryDatabase.Command(_connection!, """
            SELECT e.id, e.camera, e.object_id, e.start_ms, e.updated_ms, z.zone FROM events e LEFT JOIN event_zones z ON z.event_id = e.id
            WHERE e.end_ms IS NULL
            """, null);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var key = (r.GetString(1), r.GetInt64(2));
            if (!_open.TryGetValue(key, out var open))
                _open[key] = open = new OpenEvent(r.GetInt64(0), r.GetInt64(3)) { LastEvent = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)) };
            if (!r.IsDBNull(5)) open.Zones.Add(r.GetString(5));
        }
    }

    sealed class OpenEvent(long id, long startMs)
    {
        public long Id { get; } = id;
        public long StartMs { get; } = startMs;
        public HashSet<string> Zones { get; } = new(StringComparer.Ordinal);
        /// <summary>The best frame last written as the snapshot (0: none yet), and the event time it was written at.</summary>
        public long SnapshotVersion { get; set; }
        public DateTimeOffset SnapshotAt { get; set; }
        public bool Stationary { get; set; }
        /// <summary>When the object's latest event happened: the open events longest without one are closed first.</summary>
        public DateTimeOffset LastEvent { get; set; }
    }

    sealed record RetentionDue;
    sealed record BudgetDue;
    sealed record StationaryObject(string Camera, long ObjectId);

    abstract record Request
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    sealed record RetainRequest(long Id, bool Retain) : Request;
    sealed record DeleteRequest(long Id) : Request;
}
