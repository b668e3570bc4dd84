using System.Text.Json;
using System.Text.Json.Serialization;
using ParNetDetect.DetectionHead;

namespace ParNetDetect.Service.Events;

/// <summary>One object event as written to the JSON-lines log and MQTT (camelCase JSON). Score is the object's best
/// median score so far; Box its latest box.</summary>
public sealed record ObjectEvent(
    string Type,
    string CameraId,
    long ObjectId,
    string Label,
    float Score,
    BoxJson Box,
    string? Zone,
    IReadOnlyList<string> Zones,
    DateTimeOffset Timestamp,
    DateTimeOffset FirstSeen,
    string? Snapshot)
{
    /// <summary>The object has not moved for the camera's StationarySeconds.</summary>
    public bool Stationary { get; init; }
}

/// <summary>Every detection of one processed frame (MQTT "detections" topic, /api/cameras/{id}/latest).</summary>
public sealed record FrameReport(
    string CameraId,
    DateTimeOffset CapturedAt,
    DateTimeOffset ProcessedAt,
    int Width,
    int Height,
    bool MotionGated,
    IReadOnlyList<ReportedObject> Objects);

/// <summary>A detection in a frame report; ObjectId is 0 when no confirmed track owns it yet. The class index picks
/// its colour on the live view; the label names the class in JSON.</summary>
public sealed record ReportedObject(long ObjectId, string Label, float Score, BoxJson Box, IReadOnlyList<string> Zones,
    [property: JsonIgnore] int ClassIndex)
{
    /// <summary>Its confirmed track has not moved for the camera's StationarySeconds.</summary>
    public bool Stationary { get; init; }
}

/// <summary>Pixel box, top-left (x1, y1) to bottom-right (x2, y2), rounded to 0.1 px.</summary>
public readonly record struct BoxJson(float X1, float Y1, float X2, float Y2)
{
    public static BoxJson From(in Detection d) =>
        new(Round(d.X1), Round(d.Y1), Round(d.X2), Round(d.Y2));

    static float Round(float v) => MathF.Round(v, 1);
}

public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}
