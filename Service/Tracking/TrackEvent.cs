using ParNetDetect.DetectionHead;

namespace ParNetDetect.Service.Tracking;

public enum TrackEventType
{
    /// <summary>A track was confirmed: a new object is in view.</summary>
    New,
    Entered,
    Left,
    /// <summary>A confirmed object's best score rose, or it became or stopped being stationary.</summary>
    Update,
    /// <summary>The object has not been seen for LostAfterSeconds.</summary>
    Gone,
}

/// <summary>An object as the tracker knows it at one moment (immutable copy). Score is the median of its recent
/// detection scores, TopScore the best of those medians so far; Stationary: it has not moved for StationarySeconds.</summary>
public sealed record TrackedObject(long Id, Detection Box, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
    IReadOnlyList<string> Zones, float Score, float TopScore, bool Stationary);

/// <summary>Something happened to one object; <see cref="Zone"/> is set for Entered and Left.</summary>
public sealed record TrackEvent(TrackEventType Type, TrackedObject Object, string? Zone);
