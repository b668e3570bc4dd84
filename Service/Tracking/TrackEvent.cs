using ParNetDetect.DetectionHead;

namespace ParNetDetect.Service.Tracking;

public enum TrackEventType
{
    /// <summary>A track was confirmed: a new object is in view.</summary>
    New,
    Entered,
    Left,
    /// <summary>The object has not been seen for LostAfterSeconds.</summary>
    Gone,
}

/// <summary>An object as the tracker knows it at one moment (immutable copy).</summary>
public sealed record TrackedObject(long Id, Detection Box, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
    IReadOnlyList<string> Zones);

/// <summary>Something happened to one object; <see cref="Zone"/> is set for Entered and Left.</summary>
public sealed record TrackEvent(TrackEventType Type, TrackedObject Object, string? Zone);
