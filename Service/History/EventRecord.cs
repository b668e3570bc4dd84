using System.Text.Json.Serialization;
using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.History;

/// <summary>
/// One stored event as the API shows it (camelCase JSON). <see cref="End"/> is null while the object is in view;
/// <see cref="ClipOffsetSeconds"/> is where in its clip the event begins (clips are shared by overlapping events);
/// <see cref="ClipReady"/> turns true once the clip is written. File paths stay inside the service.
/// </summary>
public sealed record EventRecord(
    long Id,
    string Camera,
    long ObjectId,
    string Label,
    DateTimeOffset Start,
    DateTimeOffset? End,
    float TopScore,
    BoxJson Box,
    IReadOnlyList<string> Zones,
    bool Stationary,
    bool Retain,
    bool HasSnapshot,
    bool HasClip,
    bool ClipReady,
    double? ClipOffsetSeconds)
{
    /// <summary>Annotated and clean snapshot and clip, relative to the history folder.</summary>
    [JsonIgnore] public string? SnapshotPath { get; init; }
    [JsonIgnore] public string? CleanSnapshotPath { get; init; }
    [JsonIgnore] public string? ClipPath { get; init; }
}

/// <summary>A page of events, newest first; <see cref="NextCursor"/> fetches the next (older) page, null at the end.</summary>
public sealed record EventPage(IReadOnlyList<EventRecord> Events, string? NextCursor);

/// <summary>Which events to list: every given filter must hold. Times bound the event's start (after inclusive).</summary>
public sealed record EventFilter(string? Camera = null, string? Label = null, string? Zone = null,
    DateTimeOffset? After = null, DateTimeOffset? Before = null, int Limit = 50, EventCursor? Cursor = null);

/// <summary>
/// Keyset pagination: the (start, id) of the last event of a page; the next page holds the events strictly older in
/// that order. Unlike an offset, it neither skips nor repeats events when new ones arrive between the pages.
/// </summary>
public readonly record struct EventCursor(long StartMs, long Id)
{
    public override string ToString() => $"{StartMs}_{Id}";

    public static bool TryParse(string? text, out EventCursor cursor)
    {
        cursor = default;
        string[] parts = (text ?? "").Split('_');
        if (parts.Length != 2 || !long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out long start) ||
            !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out long id)) return false;
        cursor = new EventCursor(start, id);
        return true;
    }
}
