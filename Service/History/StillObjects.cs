using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.History;

/// <summary>
/// One camera's tracked objects that stand still. Each processed frame's boxes are compared with the place where each
/// object last settled: a box that stays there (IoU at least <see cref="SamePlaceIou"/>) for <see cref="StillFor"/>
/// makes the object stationary for the rest of its event, so a car that parked and later drove off is a stationary
/// event and one that drove past is not. Observed on the detection thread, read by the history writer; objects whose
/// end never reached the writer are evicted least recently seen first beyond <see cref="BestFrames.MaxObjects"/>.
/// </summary>
public sealed class StillObjects
{
    /// <summary>Detector jitter moves a box a little from frame to frame; walking or driving moves it off itself.</summary>
    public const float SamePlaceIou = 0.7f;
    public static readonly TimeSpan StillFor = TimeSpan.FromSeconds(10);
    readonly object _lock = new();
    readonly Dictionary<long, Place> _byObject = new();

    sealed class Place(BoxJson box, DateTimeOffset since)
    {
        public BoxJson Box { get; } = box;
        public DateTimeOffset Since { get; } = since;
        public DateTimeOffset LastSeen { get; set; } = since;
        public bool Stationary { get; set; }
    }

    /// <summary>Takes a frame's tracked boxes; returns the objects that have just become stationary (usually none).</summary>
    public IReadOnlyList<long> Observe(FrameReport report)
    {
        List<long>? became = null;
        lock (_lock)
        {
            foreach (var o in report.Objects)
            {
                if (o.ObjectId <= 0) continue;
                var at = report.ProcessedAt;
                if (!_byObject.TryGetValue(o.ObjectId, out var place) || IoU(place.Box, o.Box) < SamePlaceIou)
                {
                    _byObject[o.ObjectId] = new Place(o.Box, at) { Stationary = place?.Stationary ?? false };
                    continue;
                }
                place.LastSeen = at;
                if (place.Stationary || at - place.Since < StillFor) continue;
                place.Stationary = true;
                (became ??= new()).Add(o.ObjectId);
            }
            while (_byObject.Count > BestFrames.MaxObjects)
                _byObject.Remove(_byObject.MinBy(kv => kv.Value.LastSeen).Key);
        }
        return became ?? [];
    }

    public bool IsStationary(long objectId)
    {
        lock (_lock) return _byObject.TryGetValue(objectId, out var place) && place.Stationary;
    }

    public void Forget(long objectId)
    {
        lock (_lock) _byObject.Remove(objectId);
    }

    static float IoU(BoxJson a, BoxJson b) => Boxes.Iou(a.X1, a.Y1, a.X2, a.Y2, b.X1, b.Y1, b.X2, b.Y2);
}
