using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.History;

/// <summary>The frame in which an object scored highest so far, as a clean JPEG, with that detection.</summary>
public sealed record BestFrame(ReportedObject Object, byte[] Jpeg, DateTimeOffset At, int Width, int Height, long Version);

/// <summary>
/// One camera's best frame per tracked object: the detection thread offers each frame in which an object beats its
/// best score, the history writer takes it when it writes that object's event (and writes a snapshot only when the
/// best changed since). The writer forgets an object when its event ends; objects whose end never reached the writer
/// (dropped on a full queue) are evicted oldest first beyond <see cref="MaxObjects"/>, so memory stays bounded.
/// </summary>
public sealed class BestFrames
{
    public const int MaxObjects = 256;
    readonly object _lock = new();
    readonly Dictionary<long, BestFrame> _byObject = new();
    long _version;

    /// <summary>Whether some tracked object in <paramref name="report"/> beats its best (then the frame is worth encoding).</summary>
    public bool Improves(FrameReport report)
    {
        lock (_lock)
            return report.Objects.Any(o => o.ObjectId > 0 && (!_byObject.TryGetValue(o.ObjectId, out var best) || o.Score > best.Object.Score));
    }

    public void Offer(FrameReport report, byte[] jpeg)
    {
        lock (_lock)
        {
            foreach (var o in report.Objects)
            {
                if (o.ObjectId <= 0 || (_byObject.TryGetValue(o.ObjectId, out var best) && o.Score <= best.Object.Score)) continue;
                _byObject[o.ObjectId] = new BestFrame(o, jpeg, report.ProcessedAt, report.Width, report.Height, ++_version);
            }
            while (_byObject.Count > MaxObjects)
                _byObject.Remove(_byObject.MinBy(kv => kv.Value.At).Key);
        }
    }

    /// <summary>The object's best frame if it is newer than <paramref name="afterVersion"/> (the one last written).</summary>
    public BestFrame? Take(long objectId, long afterVersion)
    {
        lock (_lock)
            return _byObject.TryGetValue(objectId, out var best) && best.Version > afterVersion ? best : null;
    }

    public void Forget(long objectId)
    {
        lock (_lock) _byObject.Remove(objectId);
    }
}
