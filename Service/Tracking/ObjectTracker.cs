using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Tracking;

/// <summary>
/// A light ByteTrack-style tracker that confirms objects as Frigate does. Detections (already through the camera's
/// <see cref="ObjectFilter"/>) are matched to tracks of the same class greedily by IoU, those reaching their class's
/// Confidence first, then the rest, so a confident box wins its track. An unmatched detection starts a tentative
/// track, which ends at its first miss; it is confirmed ("new", and only then given an id) once it has MinHits
/// detections and the median of its recent scores reaches its class's Threshold, so neither a one-frame flicker nor
/// a steady low-scoring ghost becomes an object. A confirmed track reports zone changes ("entered", "left"),
/// "update" when its best median score rises by <see cref="TopScoreStep"/> or it becomes or stops being stationary,
/// and "gone" after LostAfterSeconds unseen. A box that has not moved for StationarySeconds is stationary: no events
/// until it moves, and a track not confirmed by then ends. One tracker per camera; not thread-safe.
/// </summary>
public sealed class ObjectTracker(TrackerOptions options, IReadOnlyList<PolygonZone> zones, ObjectFilter filter)
{
    /// <summary>Recent scores a track's median is taken over: two seconds at the default 5 fps.</summary>
    public const int ScoreHistoryLength = 10;
    /// <summary>A box overlapping the one where the object came to rest by less than this has moved.</summary>
    public const float MovedBelowIou = 0.6f;
    /// <summary>How far the best score must rise for an "update": every small rise would flood the sinks.</summary>
    public const float TopScoreStep = 0.05f;

    readonly List<Track> _tracks = new();
    readonly List<Track> _seen = new();
    readonly List<Detection> _confident = new(), _rest = new();
    readonly List<(float Iou, int Track, int Detection)> _pairs = new();
    long _nextId = 1;

    /// <summary>Confirmed tracks seen in the latest update.</summary>
    public IEnumerable<TrackedObject> Confirmed(DateTimeOffset now) =>
        _tracks.Where(t => t.Confirmed && t.LastSeen == now).Select(t => t.ToObject());

    /// <summary>Confirmed tracks being followed, seen in the latest update or not.</summary>
    public int ActiveCount => _tracks.Count(t => t.Confirmed);

    public void Update(IReadOnlyList<Detection> detections, int frameWidth, int frameHeight, DateTimeOffset now,
        List<TrackEvent> events)
    {
        _confident.Clear();
        _rest.Clear();
        foreach (var d in detections)
            (d.Score >= filter.For(d.ClassIndex)!.Confidence ? _confident : _rest).Add(d);
        _seen.Clear();
        var unmatched = new List<Track>(_tracks);
        var leftover = Match(unmatched, _confident, now);
        leftover.AddRange(Match(unmatched, _rest, now));
        foreach (var det in leftover)
        {
            var track = new Track(det, now);
            _tracks.Add(track);
            _seen.Add(track);
        }
        foreach (var t in _seen) Step(t, frameWidth, frameHeight, now, events);

        for (int i = _tracks.Count - 1; i >= 0; i--)
        {
            var t = _tracks[i];
            if (t.Ended) { _tracks.RemoveAt(i); continue; }
            if (t.LastSeen == now) continue;
            // Tentative tracks die at the first miss: a flicker never becomes an object.
            if (!t.Confirmed) { _tracks.RemoveAt(i); continue; }
            if ((now - t.LastSeen).TotalSeconds < options.LostAfterSeconds) continue;
            foreach (string zone in t.Zones) Report(t, TrackEventType.Left, zone, events);
            Report(t, TrackEventType.Gone, null, events);
            _tracks.RemoveAt(i);
        }
    }

    /// <summary>Reports every confirmed track as gone (camera stopped or failed).</summary>
    public void Clear(List<TrackEvent> events)
    {
        foreach (var t in _tracks.Where(t => t.Confirmed))
            Report(t, TrackEventType.Gone, null, events);
        _tracks.Clear();
    }

    /// <summary>Greedy IoU matching of <paramref name="detections"/> to the still unmatched tracks (removed from
    /// the list when matched, and listed as seen); returns the detections no track took.</summary>
    List<Detection> Match(List<Track> unmatched, List<Detection> detections, DateTimeOffset now)
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
            unmatched[ti].See(detections[di], now);
            _seen.Add(unmatched[ti]);
        }
        for (int ti = unmatched.Count - 1; ti >= 0; ti--)
            if (trackTaken[ti]) unmatched.RemoveAt(ti);
        var leftover = new List<Detection>();
        for (int di = 0; di < detections.Count; di++)
            if (!detTaken[di]) leftover.Add(detections[di]);
        return leftover;
    }

    /// <summary>What a track's latest detection changes: stillness, confirmation, zones and updates.</summary>
    void Step(Track t, int w, int h, DateTimeOffset now, List<TrackEvent> events)
    {
        if (Iou(t.Box, t.RestingBox) < MovedBelowIou)
        {
            t.RestingBox = t.Box;
            t.RestingSince = now;
            t.Stationary = false;
        }
        else if (options.StationarySeconds > 0 && (now - t.RestingSince).TotalSeconds >= options.StationarySeconds)
            t.Stationary = true;

        if (!t.Confirmed)
        {
            if (t.Hits >= options.MinHits && t.Score >= filter.For(t.Box.ClassIndex)!.Threshold)
                Confirm(t, w, h, events);
            else if (t.Stationary)
                t.Ended = true; // came to rest without ever reaching Threshold: a ghost on the background
            return;
        }
        bool stillnessChanged = t.Stationary != t.ReportedStationary;
        if (t.Stationary && !stillnessChanged) return; // a resting object sends nothing until it moves
        UpdateZones(t, w, h, events);
        if (stillnessChanged || t.TopScore >= t.ReportedTopScore + TopScoreStep)
            Report(t, TrackEventType.Update, null, events);
    }

    static float Iou(in Detection a, in Detection b) => Boxes.Iou(a.X1, a.Y1, a.X2, a.Y2, b.X1, b.Y1, b.X2, b.Y2);

    void Confirm(Track t, int w, int h, List<TrackEvent> events)
    {
        t.Confirmed = true;
        t.Id = _nextId++;
        Report(t, TrackEventType.New, null, events);
        UpdateZones(t, w, h, events);
    }

    void UpdateZones(Track t, int w, int h, List<TrackEvent> events)
    {
        foreach (var zone in zones)
        {
            bool inside = zone.ContainsFootOf(t.Box, w, h);
            if (inside && t.Zones.Add(zone.Name))
                Report(t, TrackEventType.Entered, zone.Name, events);
            else if (!inside && t.Zones.Remove(zone.Name))
                Report(t, TrackEventType.Left, zone.Name, events);
        }
    }

    /// <summary>Adds an event; what it tells (best score, stillness) no longer needs an "update".</summary>
    static void Report(Track t, TrackEventType type, string? zone, List<TrackEvent> events)
    {
        events.Add(new TrackEvent(type, t.ToObject(), zone));
        t.ReportedTopScore = t.TopScore;
        t.ReportedStationary = t.Stationary;
    }

    sealed class Track
    {
        readonly float[] _scores = new float[ScoreHistoryLength];

        public Track(Detection box, DateTimeOffset now)
        {
            FirstSeen = now;
            RestingBox = box;
            RestingSince = now;
            See(box, now);
        }

        /// <summary>0 until confirmed, so ids count objects, not flickers.</summary>
        public long Id { get; set; }
        public Detection Box { get; private set; }
        public int Hits { get; private set; }
        /// <summary>The median of the recent scores (for an even count the lower middle one: at least half the
        /// scores reach it).</summary>
        public float Score { get; private set; }
        /// <summary>The best <see cref="Score"/> so far.</summary>
        public float TopScore { get; private set; }
        public bool Confirmed { get; set; }
        /// <summary>Came to rest without being confirmed: removed at the end of the update.</summary>
        public bool Ended { get; set; }
        public bool Stationary { get; set; }
        /// <summary>Where the object came to rest, and since when: a box far enough from it has moved.</summary>
        public Detection RestingBox { get; set; }
        public DateTimeOffset RestingSince { get; set; }
        public float ReportedTopScore { get; set; }
        public bool ReportedStationary { get; set; }
        public DateTimeOffset FirstSeen { get; }
        public DateTimeOffset LastSeen { get; private set; }
        public HashSet<string> Zones { get; } = new(StringComparer.Ordinal);

        public void See(Detection box, DateTimeOffset now)
        {
            Box = box;
            LastSeen = now;
            _scores[Hits % ScoreHistoryLength] = box.Score;
            Hits++;
            Span<float> recent = stackalloc float[Math.Min(Hits, ScoreHistoryLength)];
            _scores.AsSpan(0, recent.Length).CopyTo(recent);
            recent.Sort();
            Score = recent[(recent.Length - 1) / 2];
            TopScore = Math.Max(TopScore, Score);
        }

        public TrackedObject ToObject() =>
            new(Id, Box, FirstSeen, LastSeen, Zones.ToArray(), Score, TopScore, Stationary);
    }
}
