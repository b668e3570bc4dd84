using Microsoft.Data.Sqlite;

namespace ParNetDetect.Service.History;

/// <summary>
/// The database schema as an ordered list of migrations: migration i takes a database from version i to i + 1, and
/// the version is kept in SQLite's user_version. Opening applies the missing ones, each in its own transaction, so a
/// crash mid-way leaves the last complete version. A database newer than this build is refused, never altered.
/// Append a migration to change the schema; never edit one that has shipped.
/// </summary>
public static class SchemaMigrations
{
    public static readonly IReadOnlyList<string> All =
    [
        // 1: events with the zones they entered, and the clips they point into. Times are Unix milliseconds (UTC);
        // paths are relative to the history folder; end_ms is NULL while the object is in view. event_zones repeats
        // the event's start so a zone's events are read newest first straight from its primary key.
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            camera TEXT NOT NULL,
            object_id INTEGER NOT NULL,
            label TEXT NOT NULL,
            start_ms INTEGER NOT NULL,
            end_ms INTEGER,
            updated_ms INTEGER NOT NULL,
            top_score REAL NOT NULL,
            box_x1 REAL NOT NULL, box_y1 REAL NOT NULL, box_x2 REAL NOT NULL, box_y2 REAL NOT NULL,
            stationary INTEGER NOT NULL DEFAULT 0,
            snapshot TEXT,
            snapshot_clean TEXT,
            snapshot_bytes INTEGER NOT NULL DEFAULT 0,
            clip TEXT,
            clip_offset_ms INTEGER,
            retain INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX events_by_start ON events (start_ms DESC, id DESC);
        CREATE INDEX events_by_camera ON events (camera, start_ms DESC, id DESC);
        CREATE INDEX events_by_label ON events (label, start_ms DESC, id DESC);
        CREATE INDEX events_open ON events (camera) WHERE end_ms IS NULL;
        CREATE INDEX events_by_clip ON events (clip) WHERE clip IS NOT NULL;
        CREATE TABLE event_zones (
            zone TEXT NOT NULL,
            start_ms INTEGER NOT NULL,
            event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
            PRIMARY KEY (zone, start_ms, event_id)
        ) WITHOUT ROWID;
        CREATE INDEX event_zones_by_event ON event_zones (event_id);
        CREATE TABLE clips (
            path TEXT PRIMARY KEY,
            camera TEXT NOT NULL,
            start_ms INTEGER NOT NULL,
            end_ms INTEGER NOT NULL,
            bytes INTEGER NOT NULL
        );
        CREATE INDEX clips_by_camera ON clips (camera, start_ms);
        """,
    ];

    /// <summary>The version this build writes.</summary>
    public static int Current => All.Count;

    public static int VersionOf(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Brings <paramref name="db"/> to the newest of <paramref name="migrations"/>; throws
    /// <see cref="NewerSchemaException"/> for a database written by a newer build.</summary>
    public static void Apply(SqliteConnection db, IReadOnlyList<string> migrations)
    {
        int version = VersionOf(db);
        if (version > migrations.Count) throw new NewerSchemaException(version, migrations.Count);
        for (int v = version; v < migrations.Count; v++)
        {
            using var transaction = db.BeginTransaction();
            using var command = db.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = migrations[v] + $"\nPRAGMA user_version = {v + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}

/// <summary>The database was written by a newer version of the service, whose schema this one does not know.</summary>
public sealed class NewerSchemaException(int found, int known)
    : Exception($"has schema version {found}, newer than this version of parnet-detect knows ({known}); " +
        "run the newer version, or move the file away to start a new history")
{
    public int Found { get; } = found;
}
