using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.History;

/// <summary>
/// One camera's objects that the tracker has reported stationary at some point of their event. Stillness is the
/// tracker's judgement alone (its box has not moved for the camera's Tracker:StationarySeconds; see
/// <see cref="Tracking.ObjectTracker"/>), read from each frame report's objects; the history only remembers it, so an
/// event once stationary stays so to its end: a car that parked and later drove off is a stationary event, one that
/// drove past is not. Observed on the detection thread, read by the history writer; objects whose end never reached
/// the writer are evicted least recently seen first beyond <see cref="BestFrames.MaxObjects"/>.
/// </summary>
public sealed class StationaryObjects
{
    readonly object _lock = new();
    readonly Dictionary<long, DateTimeOffset> _lastSeen = new();

    /// <summary>Takes a frame's reported objects; returns those reported stationary for the first time in their event
    /// (usually none).</summary>
    public IReadOnlyList<long> Observe(FrameReport report)
    {
        List<long>? became = null;
        lock (_lock)
        {
            foreach (var o in report.Objects)
            {
                if (o.ObjectId <= 0) continue;
                if (_lastSeen.ContainsKey(o.ObjectId)) _lastSeen[o.ObjectId] = report.ProcessedAt;
                else if (o.Stationary)
                {
                    _lastSeen[o.ObjectId] = report.ProcessedAt;
                    (became ??= new()).Add(o.ObjectId);
                }
            }
            while (_lastSeen.Count > BestFrames.MaxObjects)
                _lastSeen.Remove(_lastSeen.MinBy(kv => kv.Value).Key);
        }
        return became ?? [];
    }

    /// <summary>Whether the object has been reported stationary since its event began, whether it still is or not.</summary>
    public bool Contains(long objectId)
    {
        lock (_lock) return _lastSeen.ContainsKey(objectId);
    }

    public void Forget(long objectId)
    {
        lock (_lock) _lastSeen.Remove(objectId);
    }
}
