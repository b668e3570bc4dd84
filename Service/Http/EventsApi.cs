using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.History;

namespace ParNetDetect.Service.Http;

/// <summary>
/// The event history over HTTP (the API key rules of every route apply): GET /api/events (filters camera, label,
/// zone, after, before; limit; keyset cursor), /api/events/labels, /api/events/{id}, its snapshot.jpg (annotated;
/// ?clean=true without the box) and clip.mp4 (with range requests, so players seek), POST /api/events/{id}/retain
/// (?retain=false clears it) and DELETE /api/events/{id}. While the history is off or unavailable they answer 404
/// or 503 with the reason.
/// </summary>
public static class EventsApi
{
    public static void MapEventsApi(this WebApplication app)
    {
        var history = app.Services.GetRequiredService<HistoryService>();
        var api = app.MapGroup("/api/events");

        api.MapGet("/", (HttpRequest request) => WithQueries(history, queries =>
            ParseFilter(request.Query, out var filter) is { } error ? BadRequest(error) : Results.Json(queries.List(filter), EventJson.Options)));
        api.MapGet("/labels", () => WithQueries(history, queries => Results.Json(queries.Labels(), EventJson.Options)));
        api.MapGet("/{id:long}", (long id) => WithEvent(history, id, (e, _) => Results.Json(e, EventJson.Options)));
        api.MapGet("/{id:long}/snapshot.jpg", (long id, bool? clean) => WithEvent(history, id, (e, folder) =>
            (clean == true ? e.CleanSnapshotPath : e.SnapshotPath) is { } path && File.Exists(Path.Combine(folder, path))
                ? Results.File(Path.Combine(folder, path), "image/jpeg")
                : NotFound($"event {id} has no snapshot")));
        api.MapGet("/{id:long}/clip.mp4", (long id) => WithEvent(history, id, (e, folder) =>
            e.ClipPath is not { } path ? NotFound($"event {id} has no clip")
            : !e.ClipReady || !File.Exists(Path.Combine(folder, path)) ? NotFound($"the clip of event {id} is still being recorded")
            : Results.File(Path.Combine(folder, path), "video/mp4", enableRangeProcessing: true)));
        api.MapPost("/{id:long}/retain", async (long id, bool? retain) =>
            await WriteAsync(history, id, w => w.RetainAsync(id, retain ?? true)));
        api.MapDelete("/{id:long}", async (long id) => await WriteAsync(history, id, w => w.DeleteAsync(id)));
    }

    static IResult WithQueries(HistoryService history, Func<EventQueries, IResult> action) =>
        history.Queries is { } queries ? action(queries) : Unavailable(history);

    static IResult WithEvent(HistoryService history, long id, Func<EventRecord, string, IResult> action) =>
        WithQueries(history, queries => queries.Find(id) is { } e ? action(e, history.Writer!.Database!.Folder) : NotFound($"no event {id}"));

    static async Task<IResult> WriteAsync(HistoryService history, long id, Func<HistoryWriter, Task<bool>> write)
    {
        if (history.Queries == null) return Unavailable(history);
        if (!await write(history.Writer!)) return history.Queries == null ? Unavailable(history) : NotFound($"no event {id}");
        return history.Queries!.Find(id) is { } e ? Results.Json(e, EventJson.Options) : Results.NoContent();
    }

    static IResult Unavailable(HistoryService history) => history.Writer == null && history.State == "off"
        ? NotFound("the event history is off (Detect:History:Enabled)")
        : Results.Json(new { error = $"the event history is {history.State}" }, EventJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);

    static IResult NotFound(string error) => Results.Json(new { error }, EventJson.Options, statusCode: StatusCodes.Status404NotFound);
    static IResult BadRequest(string error) => Results.Json(new { error }, EventJson.Options, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The list's query string; returns what is wrong with it, or null.</summary>
    static string? ParseFilter(IQueryCollection q, out EventFilter filter)
    {
        filter = new EventFilter(Text(q, "camera"), Text(q, "label"), Text(q, "zone"));
        if (Text(q, "after") is { } after)
        {
            if (ParseTime(after) is not { } t) return $"after: '{after}' is not a time (ISO 8601, or Unix seconds)";
            filter = filter with { After = t };
        }
        if (Text(q, "before") is { } before)
        {
            if (ParseTime(before) is not { } t) return $"before: '{before}' is not a time (ISO 8601, or Unix seconds)";
            filter = filter with { Before = t };
        }
        if (Text(q, "limit") is { } limit)
        {
            if (!int.TryParse(limit, CultureInfo.InvariantCulture, out int n) || n < 1 || n > EventQueries.MaxLimit)
                return $"limit: must be a whole number in [1, {EventQueries.MaxLimit}] (got '{limit}')";
            filter = filter with { Limit = n };
        }
        if (Text(q, "cursor") is { } cursor)
        {
            if (!EventCursor.TryParse(cursor, out var c)) return $"cursor: '{cursor}' is not a cursor from a previous page's nextCursor";
            filter = filter with { Cursor = c };
        }
        return null;
    }

    static string? Text(IQueryCollection q, string name) => q[name].FirstOrDefault() is { Length: > 0 } v ? v : null;

    static DateTimeOffset? ParseTime(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            ? DateTimeOffset.UnixEpoch.AddSeconds(seconds)
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
