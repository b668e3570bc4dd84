using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Tracking;

/// <summary>
/// A light ByteTrack-style tracker: detections are matched to tracks of the same class greedily by IoU, confident
/// ones first, then the low-score ones (which would be dropped by the threshold) only to keep existing tracks
/// alive through partial occlusion; they never start a track. A track is reported ("new") after MinHits
/// detections and "gone" after LostAfterSeconds unseen. Zone membership (foot point in polygon) changes give
/// "entered" and "left" events. One tracker per camera; not thread-safe.
/// </summary>
public sealed class ObjectTracker(TrackerOptions options, IReadOnlyList<PolygonZone> zones)
{
    readonly List<Track> _tracks = new();
    readonly List<(float Iou, int Track, int Detection)> _pairs = new();
    long _nextId = 1;

    /// <summary>Confirmed tracks seen in the latest update.</summary>
    public IEnumerable<TrackedObject> Confirmed(DateTimeOffset now) =>
        _tracks.Where(t => t.Confirmed && t.LastSeen == now).Select(t => t.ToObject());

    public int ActiveCount => _tracks.Count(t => t.Confirmed);

    public void Update(IReadOnlyList<Detection> confident, IReadOnlyList<Detection> weak,
        int frameWidth, int frameHeight, DateTimeOffset now, List<TrackEvent> events)
    {
        var unmatched = new List<Track>(_tracks);
        var leftover = Match(unmatched, confident, now, frameWidth, frameHeight, events);
        // Weak detections only extend confirmed tracks: they must not confirm a flicker.
        unmatched.RemoveAll(t => !t.Confirmed);
        Match(unmatched, weak, now, frameWidth, frameHeight, events);

        foreach (var det in leftover)
            _tracks.Add(new Track(_nextId++, det, now));
        foreach (var t in _tracks.Where(t => t.FirstSeen == now && !t.Confirmed && options.MinHits <= 1))
            Confirm(t, frameWidth, frameHeight, events);

        for (int i = _tracks.Count - 1; i >= 0; i--)
        {
            var t = _tracks[i];
            if (t.LastSeen == now) continue;
            // Unconfirmed tracks die at the first miss: a one-frame flicker never becomes an object.
            if (!t.Confirmed) { _tracks.RemoveAt(i); continue; }
            if ((now - t.LastSeen).TotalSeconds < options.LostAfterSeconds) continue;
            foreach (string zone in t.Zones) events.Add(new TrackEvent(TrackEventType.Left, t.ToObject(), zone));
            events.Add(new TrackEvent(TrackEventType.Gone, t.ToObject(), null));
            _tracks.RemoveAt(i);
        }
    }

    /// <summary>Reports every confirmed track as gone (camera stopped or failed).</summary>
    public void Clear(List<TrackEvent> events)
    {
        foreach (var t in _tracks.Where(t => t.Confirmed))
            events.Add(new TrackEvent(TrackEventType.Gone, t.ToObject(), null));
        _tracks.Clear();
    }

    /// <summary>Greedy IoU matching of <paramref name="detections"/> to the still unmatched tracks (removed from
    /// the list when matched); returns the detections no track took.</summary>
    List<Detection> Match(List<Track> unmatched, IReadOnlyList<Detection> detections, DateTimeOffset now,
        int w, int h, List<TrackEvent> events)
    {
        _pairs.Clear();
        for (int ti = 0; ti < unmatched.Count; ti++)
            for (int di = 0; di < detections.Count; di++)
            {
                if (unmatched[ti].Box.ClassIndex != detections[di].ClassIndex) continue;
                float iou = Iou(unmatched[ti].Box, detections[di]);
                if (iou >= options.MatchIou) _pairs.Add((iou, ti, di));
            }
        _pairs.Sort((a, b) => b.Iou.CompareTo(a.Iou));
        var trackTaken = new bool[unmatched.Count];
        var detTaken = new bool[detections.Count];
        foreach (var (_, ti, di) in _pairs)
        {
            if (trackTaken[ti] || detTaken[di]) continue;
            trackTaken[ti] = detTaken[di] = true;
            var t = unmatched[ti];
            t.Box = detections[di];
            t.LastSeen = now;
            t.Hits++;
            if (!t.Confirmed && t.Hits >= options.MinHits) Confirm(t, w, h, events);
            else if (t.Confirmed) UpdateZones(t, w, h, events);
        }
        for (int ti = unmatched.Count - 1; ti >= 0; ti--)
            if (trackTaken[ti]) unmatched.RemoveAt(ti);
        var leftover = new List<Detection>();
        for (int di = 0; di < detections.Count; di++)
            if (!detTaken[di]) leftover.Add(detections[di]);
        return leftover;
    }

    static float Iou(in Detection a, in Detection b) => Boxes.Iou(a.X1, a.Y1, a.X2, a.Y2, b.X1, b.Y1, b.X2, b.Y2);

    void Confirm(Track t, int w, int h, List<TrackEvent> events)
    {
        t.Confirmed = true;
        events.Add(new TrackEvent(TrackEventType.New, t.ToObject(), null));
        UpdateZones(t, w, h, events);
    }

    void UpdateZones(Track t, int w, int h, List<TrackEvent> events)
    {
        foreach (var zone in zones)
        {
            bool inside = zone.ContainsFootOf(t.Box, w, h);
            if (inside && t.Zones.Add(zone.Name))
                events.Add(new TrackEvent(TrackEventType.Entered, t.ToObject(), zone.Name));
            else if (!inside && t.Zones.Remove(zone.Name))
                events.Add(new TrackEvent(TrackEventType.Left, t.ToObject(), zone.Name));
        }
    }

    sealed class Track(long id, Detection box, DateTimeOffset now)
    {
        public long Id { get; } = id;
        public Detection Box { get; set; } = box;
        public int Hits { get; set; } = 1;
        public bool Confirmed { get; set; }
        public DateTimeOffset FirstSeen { get; } = now;
        public DateTimeOffset LastSeen { get; set; } = now;
        public HashSet<string> Zones { get; } = new(StringComparer.Ordinal);

        public TrackedObject ToObject() => new(Id, Box, FirstSeen, LastSeen, Zones.ToArray());
    }
}
