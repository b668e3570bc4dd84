using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Tracking;

namespace ParNetDetect.Service.Tests;

public class TrackingTests
{
    static Detection Box(float x, float y, float size = 20, int cls = 0, float score = 0.9f) => new(x, y, x + size, y + size, score, cls);

    /// <summary>The time of frame <paramref name="n"/> at 10 fps, exact to the tick.</summary>
    static DateTimeOffset At(int n) => DateTimeOffset.UnixEpoch.AddTicks(n * TimeSpan.TicksPerSecond / 10);

    static readonly PolygonZone LeftHalf = new(new ZoneOptions { Name = "left", Points = [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] });

    /// <summary>A tracker whose classes (square, circle) follow a model threshold of 0.5: Confidence and Threshold
    /// 0.5, MinScore 0.25.</summary>
    internal static ObjectTracker Tracker(TrackerOptions options, params PolygonZone[] zones) =>
        new(options, zones, new ObjectFilter(new CameraOptions(), "Cameras:0", ["square", "circle"], [0.5f, 0.5f]));

    [Fact]
    public void PolygonZoneUsesTheFootPoint()
    {
        var triangle = new PolygonZone(new ZoneOptions { Name = "t", Points = [[0, 0], [1, 0], [0, 1]] });
        Assert.True(triangle.Contains(0.2, 0.2));
        Assert.False(triangle.Contains(0.8, 0.8));
        // Box top-left in the zone, foot (bottom centre) outside: not inside.
        Assert.False(LeftHalf.ContainsFootOf(new Detection(40, 10, 70, 40, 1, 0), 100, 100));
        Assert.True(LeftHalf.ContainsFootOf(new Detection(20, 10, 60, 40, 1, 0), 100, 100));
        // Cut off by the frame's bottom: it stands on the last row, inside a zone drawn down to y = 1.
        Assert.True(LeftHalf.ContainsFootOf(new Detection(20, 70, 40, 100, 1, 0), 100, 100));
    }

    [Fact]
    public void ObjectGetsOneIdNewThenEnteredLeftAndGone()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2, LostAfterSeconds = 1 }, LeftHalf);
        var events = new List<TrackEvent>();
        for (int i = 0; i < 8; i++) // moves right 10 px per frame across x = 50 of a 100 px frame
            tracker.Update([Box(10 + 10 * i, 40)], 100, 100, At(i), events);
        tracker.Update([], 100, 100, At(20), events);

        Assert.Equal(["New", "Entered", "Left", "Gone"], events.Select(e => e.Type.ToString()));
        Assert.Equal([1L], events.Select(e => e.Object.Id).Distinct());
        Assert.Equal("left", events[1].Zone);
    }

    [Fact]
    public void OneFrameFlickerNeverBecomesAnObject()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        tracker.Update([Box(10, 10)], 100, 100, At(0), events);
        tracker.Update([], 100, 100, At(1), events);
        tracker.Update([Box(10, 10)], 100, 100, At(2), events);
        Assert.Empty(events);
    }

    [Fact]
    public void LowScoresKeepAConfirmedTrackAliveWithoutConfirmingOthersAndAnotherClassBesideItIsItsOwnObject()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 1, LostAfterSeconds = 0.15 });
        var events = new List<TrackEvent>();
        tracker.Update([Box(10, 10), Box(60, 60, score: 0.3f)], 100, 100, At(0), events);
        Assert.Single(events); // the low-scoring box is followed, but not an object
        for (int i = 1; i <= 5; i++) // occluded: only low scores of it, plus a different class overlapping it (IoU < 0.3)
            tracker.Update([Box(22, 10, cls: 1), Box(10 + i, 10, score: 0.3f)], 100, 100, At(i), events);
        Assert.DoesNotContain(events, e => e.Type == TrackEventType.Gone);
        Assert.Equal(2, events.Count(e => e.Type == TrackEventType.New)); // the class-1 box is its own object
        Assert.Equal(2, tracker.ActiveCount);
    }

    [Fact]
    public void TwoCrossingObjectsKeepTheirIds()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 1 });
        var events = new List<TrackEvent>();
        tracker.Update([Box(10, 10), Box(60, 10)], 100, 100, At(0), events);
        long a = events[0].Object.Id, b = events[1].Object.Id;
        for (int i = 1; i <= 3; i++)
            tracker.Update([Box(60 - 3 * i, 10), Box(10 + 3 * i, 10)], 100, 100, At(i), events);
        var objects = tracker.Confirmed(At(3)).OrderBy(o => o.Box.X1).ToList();
        Assert.Equal([a, b], objects.Select(o => o.Id));
    }

    [Fact]
    public void ATrackIsConfirmedOnlyWhenAtLeastHalfItsScoresReachThreshold()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        tracker.Update([Box(10, 10)], 100, 100, At(0), events);
        tracker.Update([Box(11, 10, score: 0.3f)], 100, 100, At(1), events); // median of 0.9, 0.3: 0.3
        Assert.Empty(events);
        tracker.Update([Box(12, 10, score: 0.8f)], 100, 100, At(2), events); // 0.3, 0.8, 0.9: 0.8
        var confirmed = Assert.Single(events);
        Assert.Equal((TrackEventType.New, 0.8f), (confirmed.Type, confirmed.Object.Score));
    }

    [Fact]
    public void AGhostScoringAboveThresholdNowAndThenIsNeverConfirmed()
    {
        // A third of its frames score 0.8, the rest just under the threshold; it wanders, so it never rests.
        var random = new Random(13);
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        for (int i = 0; i < 100; i++)
        {
            float score = i % 3 == 0 ? 0.8f : 0.3f + 0.19f * random.NextSingle();
            tracker.Update([Box(10 + 5 * (i % 10), 40, score: score)], 100, 100, At(i), events);
        }
        Assert.Empty(events);
        Assert.Equal(0, tracker.ActiveCount);
    }

    [Fact]
    public void AnObjectThatStopsIsMarkedStationarySendsNothingUntilItMovesAgain()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2, StationarySeconds = 1 }, LeftHalf);
        var events = new List<TrackEvent>();
        int frame = 0;
        void Step(Detection box) => tracker.Update([box], 100, 100, At(frame++), events);

        for (int i = 0; i < 15; i++) Step(Box(10 + (i % 2), 40, score: 0.6f)); // jitters a pixel in place
        Assert.Equal(["New", "Entered", "Update"], events.Select(e => e.Type.ToString()));
        Assert.True(events[2].Object.Stationary);
        Assert.Equal(TimeSpan.FromSeconds(1), events[2].Object.LastSeen - events[0].Object.FirstSeen);

        for (int i = 0; i < 15; i++) Step(Box(10, 40, score: 0.95f)); // its best score rises while it rests: no event
        Assert.Equal(3, events.Count);
        Assert.True(Assert.Single(tracker.Confirmed(At(frame - 1))).Stationary);

        for (int i = 1; i <= 6; i++) Step(Box(10 + 10 * i, 40, score: 0.95f)); // walks out of the zone
        Assert.Equal(["New", "Entered", "Update", "Update", "Left"], events.Select(e => e.Type.ToString()));
        Assert.False(events[3].Object.Stationary);
        Assert.Equal(0.95f, events[3].Object.TopScore);
        Assert.Single(events.Select(e => e.Object.Id).Distinct());
    }

    [Fact]
    public void ATrackThatComesToRestBelowThresholdEnds()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2, StationarySeconds = 1 });
        var events = new List<TrackEvent>();
        for (int i = 0; i <= 10; i++) // a ghost on the background at 0.4: followed, never confirmed, at rest after 1 s
            tracker.Update([Box(10, 40, score: 0.4f)], 100, 100, At(i), events);
        for (int i = 11; i <= 13; i++) // then something real there: a fresh track, not one weighed down by the ghost
            tracker.Update([Box(10, 40, score: 0.9f)], 100, 100, At(i), events);

        var confirmed = Assert.Single(events);
        Assert.Equal(TrackEventType.New, confirmed.Type);
        Assert.Equal(At(11), confirmed.Object.FirstSeen);
        Assert.Equal(At(12), confirmed.Object.LastSeen); // confirmed at its second detection
    }

    [Fact]
    public void ARisingBestScoreIsAnUpdateAndASteadyOneIsNot()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        for (int i = 0; i < 40; i++) // moving; scores 0.6 for a second, then 0.9, then 0.92
        {
            float score = i < 10 ? 0.6f : i < 25 ? 0.9f : 0.92f;
            tracker.Update([Box(2 * i, 40, score: score)], 100, 100, At(i), events);
        }
        Assert.Equal(["New", "Update"], events.Select(e => e.Type.ToString()));
        Assert.Equal((0.6f, 0.9f), (events[0].Object.TopScore, events[1].Object.TopScore));
        Assert.False(events[1].Object.Stationary);
    }

    [Fact]
    public void StationarySecondsZeroNeverRests()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2, StationarySeconds = 0 });
        var events = new List<TrackEvent>();
        for (int i = 0; i < 600; i++)
            tracker.Update([Box(10, 40, score: i < 100 ? 0.4f : 0.9f)], 100, 100, At(i), events);
        var confirmed = Assert.Single(events); // the low-scoring minute did not end it: still one track
        Assert.Equal(At(0), confirmed.Object.FirstSeen);
        Assert.False(Assert.Single(tracker.Confirmed(At(599))).Stationary);
    }

    [Fact]
    public void AnObjectTooFastForItsBoxesToOverlapKeepsOneTrack()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        for (int i = 0; i < 12; i++) // 15 px a frame with a 20 px box: IoU 0.14 from frame to frame
            tracker.Update([Box(15 * i, 40)], 200, 100, At(i), events);
        Assert.Equal(["New"], events.Select(e => e.Type.ToString()));
        Assert.Equal(At(0), Assert.Single(tracker.Confirmed(At(11))).FirstSeen);
    }

    [Fact]
    public void AnObjectMissedForTwoFramesIsFoundWhereItShouldBeByThen()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        for (int i = 0; i < 12; i++) // 8 px a frame; unseen in frames 5 and 6, then 24 px (more than a box) on
            if (i is not (5 or 6)) tracker.Update([Box(8 * i, 40)], 200, 100, At(i), events);
        Assert.Equal(["New"], events.Select(e => e.Type.ToString()));
        Assert.Equal(At(0), Assert.Single(tracker.Confirmed(At(11))).FirstSeen);
    }

    [Fact]
    public void AnObjectThatTurnsBackKeepsItsTrack()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        // 14 px a frame with a 20 px box, back from the wall at x = 100 in frame 6: the box moved on at the old
        // velocity is 28 px from the one that comes back, more than a box size; the last one 14 px.
        int[] xs = [10, 24, 38, 52, 66, 80, 66, 52, 38];
        for (int i = 0; i < xs.Length; i++)
            tracker.Update([Box(xs[i], 40)], 100, 100, At(i), events);
        Assert.Equal(["New"], events.Select(e => e.Type.ToString()));
        Assert.Equal(At(0), Assert.Single(tracker.Confirmed(At(xs.Length - 1))).FirstSeen);
    }

    [Fact]
    public void AConfirmedObjectKeepsItsTrackAndLabelWhileTheDetectorCallsItSomethingElse()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2, LostAfterSeconds = 0.15 });
        var events = new List<TrackEvent>();
        for (int i = 0; i < 10; i++) // a square, seen as a circle in frames 3 to 6
            tracker.Update([Box(10 + 2 * i, 40, cls: i is >= 3 and <= 6 ? 1 : 0)], 100, 100, At(i), events);
        Assert.Equal(["New"], events.Select(e => e.Type.ToString()));
        var square = Assert.Single(tracker.Confirmed(At(9)));
        Assert.Equal((At(0), 0, 28f), (square.FirstSeen, square.Box.ClassIndex, square.Box.X1));
    }

    [Fact]
    public void ASecondLabelOfAnObjectStartsNoSecondObject()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        for (int i = 0; i < 6; i++) // NMS keeps one box per class: the object comes as a square and as a circle
            tracker.Update([Box(10 + 2 * i, 40, score: 0.9f), Box(11 + 2 * i, 41, cls: 1, score: 0.7f)], 100, 100, At(i), events);
        var created = Assert.Single(events);
        Assert.Equal((TrackEventType.New, 0), (created.Type, created.Object.Box.ClassIndex));
        Assert.Equal(1, tracker.ActiveCount);
    }

    [Fact]
    public void AnObjectThatTurnsBackWhileUnseenIsFoundWithinItsReach()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        // 14 px a frame with a 20 px box; unseen in frames 5 to 7, when it reaches the wall at x = 100 and turns
        // back: in frame 8 it is 28 px from where it was last seen, more than a box size but within its reach.
        int[] xs = [10, 24, 38, 52, 66, -1, -1, -1, 38, 24];
        for (int i = 0; i < xs.Length; i++)
            tracker.Update(xs[i] < 0 ? [] : [Box(xs[i], 40)], 100, 100, At(i), events);
        Assert.Equal(["New"], events.Select(e => e.Type.ToString()));
        Assert.Equal(At(0), Assert.Single(tracker.Confirmed(At(xs.Length - 1))).FirstSeen);
    }

    [Fact]
    public void AnObjectCutByTheFramesEdgeIsFoundAgainWhenItComesBackWhole()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        // A 30 px object along the top edge: whole, then half out of the frame (a 30 x 12 box, its last), unseen for
        // three frames, then whole again below: more than twice the area of the box it was last seen as.
        tracker.Update([new Detection(20, 10, 50, 40, 0.9f, 0)], 100, 100, At(0), events);
        tracker.Update([new Detection(24, 0, 54, 30, 0.9f, 0)], 100, 100, At(1), events);
        tracker.Update([new Detection(28, 0, 58, 12, 0.9f, 0)], 100, 100, At(2), events);
        for (int i = 3; i <= 5; i++) tracker.Update([], 100, 100, At(i), events);
        tracker.Update([new Detection(40, 4, 70, 34, 0.9f, 0)], 100, 100, At(6), events);
        Assert.Equal(["New"], events.Select(e => e.Type.ToString()));
        Assert.Equal(At(0), Assert.Single(tracker.Confirmed(At(6))).FirstSeen);
    }

    [Fact]
    public void AConfirmedTrackHasFirstClaimOnItsObjectOverATentativeOneBesideIt()
    {
        var tracker = Tracker(new TrackerOptions { MinHits = 2 });
        var events = new List<TrackEvent>();
        for (int i = 0; i <= 4; i++) // a square moving 10 px a frame
            tracker.Update([Box(10 + 10 * i, 40)], 200, 100, At(i), events);
        // Beside it a low-scoring box (a part of it, or of it and a neighbour) starts a tentative track.
        tracker.Update([Box(60, 40), Box(62, 48, score: 0.3f)], 200, 100, At(5), events);
        // The square's next box overlaps that tentative box more than where the square should be: the confirmed
        // track takes it all the same, and the tentative one, missed, ends.
        tracker.Update([Box(64, 46)], 200, 100, At(6), events);
        tracker.Update([Box(76, 46), Box(66, 48, score: 0.8f)], 200, 100, At(7), events);
        Assert.Equal(["New"], events.Select(e => e.Type.ToString()));
        Assert.Equal(At(0), Assert.Single(tracker.Confirmed(At(7))).FirstSeen);
    }
}
