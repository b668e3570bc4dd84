using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Tracking;

/// <summary>
/// A light ByteTrack-style tracker that confirms objects as Frigate does. Detections (already through the camera's
/// <see cref="ObjectFilter"/>) are matched to the confirmed tracks of the same class greedily by IoU with where each
/// track's box should be now (moved on at its recent velocity), those reaching their class's Confidence first, then the
/// rest, so
/// a confident box wins its track (where it was last seen counts as much, so an object that turned back keeps its
/// track); what is left is matched by nearness (centre within one box size of either, similar area), so an object too
/// fast for its boxes to overlap from frame to frame at a low fps keeps its track. One object is one track whatever
/// the detector calls it (<see cref="SameObjectIou"/>): a confirmed track continues through a box of another class on
/// it, keeping its label, and a second label of an object already tracked starts nothing. Only then do tentative
/// tracks take what is left, by IoU and then nearness (a confirmed object's track has the first claim on its box, as in
/// ByteTrack). Any other unmatched detection starts a tentative track, which ends at its first miss; it is confirmed ("new", and only then given an
/// id) once it has MinHits detections and the median of its recent scores reaches its class's Threshold, so neither a
/// one-frame flicker nor a steady low-scoring ghost becomes an object. A confirmed track reports zone changes ("entered", "left"),
/// "update" when its best median score rises by <see cref="TopScoreStep"/> or it becomes or stops being stationary,
/// and "gone" after LostAfterSeconds unseen. A box that has not moved for StationarySeconds is stationary: no events
/// until it moves, and a track not confirmed by then ends. This is the service's only judgement of stillness: the
/// frame reports carry it, and the event history takes it from them. One tracker per camera; not thread-safe.
/// </summary>
public sealed class ObjectTracker(TrackerOptions options, IReadOnlyList<PolygonZone> zones, ObjectFilter filter)
{
    /// <summary>Recent scores a track's median is taken over: two seconds at the default 5 fps.</summary>
    public const int ScoreHistoryLength = 10;
    /// <summary>A box overlapping the one where the object came to rest by less than this has moved.</summary>
    public const float MovedBelowIou = 0.6f;
    /// <summary>How far the best score must rise for an "update": every small rise would flood the sinks.</summary>
    public const float TopScoreStep = 0.05f;
    /// <summary>Farthest a detection's centre may lie from a track's expected centre to be matched by nearness, in
    /// the track's box sizes.</summary>
    public const float NearWithinBoxSizes = 1;
    /// <summary>A box of another class overlapping a track's box by at least this shows the same object: a detector's
    /// second guess at it, not a second object (different objects rarely overlap this much; NMS keeps one box per
    /// class, not per object).</summary>
    public const float SameObjectIou = 0.6f;

    readonly List<Track> _tracks = new();
    readonly List<Track> _seen = new(), _unmatchedConfirmed = new(), _unmatchedTentative = new();
    readonly List<Detection> _confident = new(), _rest = new();
    readonly List<(float Affinity, int Track, int Detection)> _pairs = new();
    long _nextId = 1;
    (int Width, int Height) _frame;

    /// <summary>Confirmed tracks seen in the latest update.</summary>
    public IEnumerable<TrackedObject> Confirmed(DateTimeOffset now) =>
        _tracks.Where(t => t.Confirmed && t.LastSeen == now).Select(t => t.ToObject());

    /// <summary>Confirmed tracks being followed, seen in the latest update or not.</summary>
    public int ActiveCount => _tracks.Count(t => t.Confirmed);

    public void Update(IReadOnlyList<Detection> detections, int frameWidth, int frameHeight, DateTimeOffset now,
        List<TrackEvent> events)
    {
        _frame = (frameWidth, frameHeight);
        _confident.Clear();
        _rest.Clear();
        foreach (var d in detections)
            (d.Score >= filter.For(d.ClassIndex)!.Confidence ? _confident : _rest).Add(d);
        _seen.Clear();
        foreach (var t in _tracks) (t.Expected, t.Reach) = (t.ExpectedAt(now), t.ReachAt(now));
        // Confirmed tracks have the first claim (as in ByteTrack): a tentative track beside an object, started by a
        // box on part of it, must not take the object's next box and leave its track unseen.
        _unmatchedConfirmed.Clear();
        _unmatchedTentative.Clear();
        foreach (var t in _tracks) (t.Confirmed ? _unmatchedConfirmed : _unmatchedTentative).Add(t);
        var leftover = Match(_unmatchedConfirmed, _confident, now, Overlap);
        leftover.AddRange(Match(_unmatchedConfirmed, _rest, now, Overlap));
        leftover = Match(_unmatchedConfirmed, leftover, now, Nearness);
        leftover = Match(_unmatchedConfirmed, leftover, now, Relabelled);
        leftover = Match(_unmatchedTentative, Match(_unmatchedTentative, leftover, now, Overlap), now, Nearness);
        leftover.Sort((a, b) => b.Score.CompareTo(a.Score));
        foreach (var det in leftover)
        {
            if (IsSecondLabel(det)) continue;
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

    /// <summary>Greedy matching of <paramref name="detections"/> to the still unmatched tracks, best
    /// <paramref name="affinity"/> first (null: no match); matched tracks leave the list and are listed as seen.
    /// Returns the detections no track took.</summary>
    List<Detection> Match(List<Track> unmatched, List<Detection> detections, DateTimeOffset now,
        Func<Track, Detection, float?> affinity)
    {
        _pairs.Clear();
        for (int ti = 0; ti < unmatched.Count; ti++)
            for (int di = 0; di < detections.Count; di++)
            {
                if (affinity(unmatched[ti], detections[di]) is { } a) _pairs.Add((a, ti, di));
            }
        _pairs.Sort((a, b) => b.Affinity.CompareTo(a.Affinity));
        var trackTaken = new bool[unmatched.Count];
        var detTaken = new bool[detections.Count];
        foreach (var (_, ti, di) in _pairs)
        {
            if (trackTaken[ti] || detTaken[di]) continue;
            trackTaken[ti] = detTaken[di] = true;
            var (track, detection) = (unmatched[ti], detections[di]);
            if (detection.ClassIndex == track.Box.ClassIndex) track.See(detection, now);
            else track.Follow(detection, now);
            _seen.Add(track);
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

    /// <summary>The larger IoU with where the track's box should be and where it was seen last (an object that
    /// turned back overlaps the latter); null below MatchIou or for another class.</summary>
    float? Overlap(Track t, Detection d) =>
        t.Box.ClassIndex == d.ClassIndex && BestIou(t, d) is var iou && iou >= options.MatchIou ? iou : null;

    static float BestIou(Track t, in Detection d) => Math.Max(Iou(t.Expected, d), Iou(t.Box, d));

    /// <summary>The nearer of where the track's box should be and where it was seen last, the latter as far as the
    /// object could have gone since in any direction (it may have turned back while unseen); null for another class.</summary>
    float? Nearness(Track t, Detection d) =>
        t.Box.ClassIndex != d.ClassIndex ? null
        : NearnessTo(t.Expected, d, 0) is { } expected ? Math.Max(expected, NearnessTo(t.Box, d, t.Reach) ?? 0)
        : NearnessTo(t.Box, d, t.Reach);

    /// <summary>A confirmed track's object given another class by the detector: the same box, whatever its label.</summary>
    static float? Relabelled(Track t, Detection d) =>
        t.Confirmed && t.Box.ClassIndex != d.ClassIndex && BestIou(t, d) is var iou && iou >= SameObjectIou ? iou : null;

    /// <summary>A box on an object a track took in this update: the detector's second label for it.</summary>
    bool IsSecondLabel(in Detection d)
    {
        foreach (var t in _seen)
            if (Iou(t.Box, d) >= SameObjectIou) return true;
        return false;
    }

    /// <summary>Closer is better: 1 at the centre of <paramref name="e"/>, 0 at <see cref="NearWithinBoxSizes"/> plus
    /// <paramref name="reach"/> pixels; null beyond, or for a box less than half or more than twice its area unless
    /// one of them is cut by the frame's edge (an object leaving or coming back shows only part of itself).</summary>
    float? NearnessTo(in Detection e, in Detection d, float reach)
    {
        float size = Math.Max(e.X2 - e.X1, e.Y2 - e.Y1), area = (e.X2 - e.X1) * (e.Y2 - e.Y1);
        float distance = MathF.Sqrt(Square((d.X1 + d.X2 - e.X1 - e.X2) / 2) + Square((d.Y1 + d.Y2 - e.Y1 - e.Y2) / 2));
        float areaRatio = (d.X2 - d.X1) * (d.Y2 - d.Y1) / area;
        float radius = NearWithinBoxSizes * size + reach;
        bool similar = areaRatio is >= 0.5f and <= 2 || CutByEdge(e) || CutByEdge(d);
        return size > 0 && distance <= radius && similar ? 1 - distance / radius : null;
    }

    bool CutByEdge(in Detection b) => b.X1 <= 1 || b.Y1 <= 1 || b.X2 >= _frame.Width - 1 || b.Y2 >= _frame.Height - 1;

    static float Square(float v) => v * v;

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
        /// <summary>The box centre's velocity in pixels per second, smoothed over the recent detections.</summary>
        public (float X, float Y) Velocity { get; private set; }
        /// <summary>The box centre's speed in pixels per second, smoothed over the recent detections.</summary>
        public float Speed { get; private set; }
        /// <summary>Where the box should be in the update being matched.</summary>
        public Detection Expected { get; set; }
        /// <summary>How far, in pixels, the object could have gone since it was last seen, at its speed.</summary>
        public float Reach { get; set; }

        /// <summary>The latest box moved on at the velocity for the time since it was seen.</summary>
        public Detection ExpectedAt(DateTimeOffset now)
        {
            float dt = (float)(now - LastSeen).TotalSeconds, dx = Velocity.X * dt, dy = Velocity.Y * dt;
            return Box with { X1 = Box.X1 + dx, Y1 = Box.Y1 + dy, X2 = Box.X2 + dx, Y2 = Box.Y2 + dy };
        }

        /// <summary>The distance the box's centre covers at its speed in the time since it was seen.</summary>
        public float ReachAt(DateTimeOffset now) => Speed * (float)(now - LastSeen).TotalSeconds;

        public void See(Detection box, DateTimeOffset now)
        {
            Move(box, now);
            _scores[Hits % ScoreHistoryLength] = box.Score;
            Hits++;
            Span<float> recent = stackalloc float[Math.Min(Hits, ScoreHistoryLength)];
            _scores.AsSpan(0, recent.Length).CopyTo(recent);
            recent.Sort();
            Score = recent[(recent.Length - 1) / 2];
            TopScore = Math.Max(TopScore, Score);
        }

        /// <summary>The object seen under another label: where and when, not its score or its label.</summary>
        public void Follow(Detection box, DateTimeOffset now) => Move(box with { ClassIndex = Box.ClassIndex, Score = Box.Score }, now);

        void Move(Detection box, DateTimeOffset now)
        {
            float dt = (float)(now - LastSeen).TotalSeconds;
            if (Hits > 0 && dt > 0)
            {
                (float X, float Y) moved = ((box.X1 + box.X2 - Box.X1 - Box.X2) / 2 / dt, (box.Y1 + box.Y2 - Box.Y1 - Box.Y2) / 2 / dt);
                // Half the new measurement, half the past: a detector's jitter does not fling the expected box away.
                Velocity = Hits == 1 ? moved : ((Velocity.X + moved.X) / 2, (Velocity.Y + moved.Y) / 2);
                // Averaged apart from the direction: opposite velocities cancel when the object turns back, its speed does not.
                float speed = MathF.Sqrt(moved.X * moved.X + moved.Y * moved.Y);
                Speed = Hits == 1 ? speed : (Speed + speed) / 2;
            }
            Box = box;
            LastSeen = now;
        }

        public TrackedObject ToObject() =>
            new(Id, Box, FirstSeen, LastSeen, Zones.ToArray(), Score, TopScore, Stationary);
    }
}
