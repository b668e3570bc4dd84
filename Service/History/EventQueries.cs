using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.History;

/// <summary>
/// The read side of the history, on read-only connections (WAL: never blocked by the writer). Lists are ordered by
/// (start, id) newest first and always read through an index in that order: events_by_camera or events_by_label when
/// filtered by camera or label, a zone's own rows in event_zones when filtered by zone, so a page costs about its
/// own rows however large the history is.
/// </summary>
public sealed class EventQueries(HistoryDatabase db)
{
    public const int MaxLimit = 500;

    const string Columns = """
        e.id, e.camera, e.object_id, e.label, e.start_ms, e.end_ms, e.top_score, e.box_x1, e.box_y1, e.box_x2, e.box_y2,
        e.stationary, e.retain, e.snapshot, e.snapshot_clean, e.clip, e.clip_offset_ms,
        EXISTS (SELECT 1 FROM clips c WHERE c.path = e.clip) AS clip_ready,
        (SELECT json_group_array(zone) FROM event_zones z WHERE z.event_id = e.id) AS zones
        """;

    public EventPage List(EventFilter filter)
    {
        var sql = new StringBuilder();
        var parameters = new List<(string, object?)>();
        // Zone rows carry the event's start, so a zone filter walks that zone's primary key newest first.
        string order = filter.Zone != null ? "z.start_ms DESC, z.event_id DESC" : "e.start_ms DESC, e.id DESC";
        string start = filter.Zone != null ? "z.start_ms" : "e.start_ms", id = filter.Zone != null ? "z.event_id" : "e.id";
        sql.Append("SELECT ").Append(Columns).Append(filter.Zone != null
            ? " FROM event_zones z JOIN events e ON e.id = z.event_id WHERE z.zone = $zone"
            : " FROM events e WHERE 1 = 1");
        if (filter.Zone != null) parameters.Add(("$zone", filter.Zone));
        if (filter.Camera != null) { sql.Append(" AND e.camera = $camera"); parameters.Add(("$camera", filter.Camera)); }
        if (filter.Label != null) { sql.Append(" AND e.label = $label"); parameters.Add(("$label", filter.Label)); }
        if (filter.After is { } after) { sql.Append($" AND {start} >= $after"); parameters.Add(("$after", after.ToUnixTimeMilliseconds())); }
        if (filter.Before is { } before) { sql.Append($" AND {start} < $before"); parameters.Add(("$before", before.ToUnixTimeMilliseconds())); }
        if (filter.Cursor is { } cursor)
        {
            sql.Append($" AND ({start}, {id}) < ($cursorStart, $cursorId)");
            parameters.Add(("$cursorStart", cursor.StartMs));
            parameters.Add(("$cursorId", cursor.Id));
        }
        int limit = Math.Clamp(filter.Limit, 1, MaxLimit);
        sql.Append($" ORDER BY {order} LIMIT {limit + 1}"); // one more says whether there is a next page

        using var c = db.OpenReader();
        using var command = HistoryDatabase.Command(c, sql.ToString(), null, parameters.ToArray());
        var events = Read(command);
        if (events.Count <= limit) return new EventPage(events, null);
        events.RemoveAt(limit);
        var last = events[^1];
        return new EventPage(events, new EventCursor(last.Start.ToUnixTimeMilliseconds(), last.Id).ToString());
    }

    public EventRecord? Find(long id)
    {
        using var c = db.OpenReader();
        using var command = HistoryDatabase.Command(c, $"SELECT {Columns} FROM events e WHERE e.id = $id", null, ("$id", id));
        return Read(command).FirstOrDefault();
    }

    /// <summary>Every label in the history, for the page's filter.</summary>
    public IReadOnlyList<string> Labels()
    {
        using var c = db.OpenReader();
        using var command = HistoryDatabase.Command(c, "SELECT DISTINCT label FROM events ORDER BY label", null);
        using var reader = command.ExecuteReader();
        var labels = new List<string>();
        while (reader.Read()) labels.Add(reader.GetString(0));
        return labels;
    }

    static List<EventRecord> Read(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var list = new List<EventRecord>();
        while (r.Read())
        {
            string? snapshot = r.IsDBNull(13) ? null : r.GetString(13), clip = r.IsDBNull(15) ? null : r.GetString(15);
            list.Add(new EventRecord(
                r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                r.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                r.GetFloat(6), new BoxJson(r.GetFloat(7), r.GetFloat(8), r.GetFloat(9), r.GetFloat(10)),
                JsonSerializer.Deserialize<string[]>(r.GetString(18)) ?? [], r.GetBoolean(11), r.GetBoolean(12),
                snapshot != null, clip != null, r.GetBoolean(17), r.IsDBNull(16) ? null : r.GetInt64(16) / 1000.0)
            {
                SnapshotPath = snapshot,
                CleanSnapshotPath = r.IsDBNull(14) ? null : r.GetString(14),
                ClipPath = clip,
            });
        }
        return list;
    }
}
