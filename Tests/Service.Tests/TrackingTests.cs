using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Tracking;

namespace ParNetDetect.Service.Tests;

public class TrackingTests
{
    static Detection Box(float x, float y, float size = 20, int cls = 0, float score = 0.9f) => new(x, y, x + size, y + size, score, cls);

    static readonly PolygonZone LeftHalf = new(new ZoneOptions { Name = "left", Points = [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] });

    [Fact]
    public void PolygonZoneUsesTheFootPoint()
    {
        var triangle = new PolygonZone(new ZoneOptions { Name = "t", Points = [[0, 0], [1, 0], [0, 1]] });
        Assert.True(triangle.Contains(0.2, 0.2));
        Assert.False(triangle.Contains(0.8, 0.8));
        // Box top-left in the zone, foot (bottom centre) outside: not inside.
        Assert.False(LeftHalf.ContainsFootOf(new Detection(40, 10, 70, 40, 1, 0), 100, 100));
        Assert.True(LeftHalf.ContainsFootOf(new Detection(20, 10, 60, 40, 1, 0), 100, 100));
    }

    [Fact]
    public void ObjectGetsOneIdNewThenEnteredLeftAndGone()
    {
        var tracker = new ObjectTracker(new TrackerOptions { MinHits = 2, LostAfterSeconds = 1 }, [LeftHalf]);
        var events = new List<TrackEvent>();
        var t0 = DateTimeOffset.UtcNow;
        for (int i = 0; i < 8; i++) // moves right 10 px per frame across x = 50 of a 100 px frame
            tracker.Update([Box(10 + 10 * i, 40)], [], 100, 100, t0.AddSeconds(0.1 * i), events);
        tracker.Update([], [], 100, 100, t0.AddSeconds(2), events);

        Assert.Equal(["New", "Entered", "Left", "Gone"], events.Select(e => e.Type.ToString()));
        Assert.Single(events.Select(e => e.Object.Id).Distinct());
        Assert.Equal("left", events[1].Zone);
    }

    [Fact]
    public void OneFrameFlickerNeverBecomesAnObject()
    {
        var tracker = new ObjectTracker(new TrackerOptions { MinHits = 2 }, []);
        var events = new List<TrackEvent>();
        var t = DateTimeOffset.UtcNow;
        tracker.Update([Box(10, 10)], [], 100, 100, t, events);
        tracker.Update([], [], 100, 100, t.AddSeconds(0.1), events);
        tracker.Update([Box(10, 10)], [], 100, 100, t.AddSeconds(0.2), events);
        Assert.Empty(events);
    }

    [Fact]
    public void WeakDetectionsKeepTracksAliveButStartNoneAndClassesDoNotMix()
    {
        var tracker = new ObjectTracker(new TrackerOptions { MinHits = 1, LostAfterSeconds = 0.15 }, []);
        var events = new List<TrackEvent>();
        var t = DateTimeOffset.UtcNow;
        tracker.Update([Box(10, 10)], [Box(60, 60, score: 0.2f)], 100, 100, t, events);
        Assert.Single(events); // only the confident box started a track
        for (int i = 1; i <= 5; i++) // occluded: only weak detections of it, plus a different class at the same spot
            tracker.Update([Box(10, 10, cls: 1)], [Box(10 + i, 10, score: 0.2f)], 100, 100, t.AddSeconds(0.1 * i), events);
        Assert.DoesNotContain(events, e => e.Type == TrackEventType.Gone);
        Assert.Equal(2, events.Count(e => e.Type == TrackEventType.New)); // the class-1 box is its own object
        Assert.Equal(2, tracker.ActiveCount);
    }

    [Fact]
    public void TwoCrossingObjectsKeepTheirIds()
    {
        var tracker = new ObjectTracker(new TrackerOptions { MinHits = 1 }, []);
        var events = new List<TrackEvent>();
        var t = DateTimeOffset.UtcNow;
        tracker.Update([Box(10, 10), Box(60, 10)], [], 100, 100, t, events);
        long a = events[0].Object.Id, b = events[1].Object.Id;
        for (int i = 1; i <= 3; i++)
            tracker.Update([Box(60 - 3 * i, 10), Box(10 + 3 * i, 10)], [], 100, 100, t.AddSeconds(0.1 * i), events);
        var now = t.AddSeconds(0.3);
        var objects = tracker.Confirmed(now).OrderBy(o => o.Box.X1).ToList();
        Assert.Equal([a, b], objects.Select(o => o.Id));
    }

    [Fact]
    public void WeakDetectionsDoNotConfirmATentativeTrack()
    {
        var tracker = new ObjectTracker(new TrackerOptions { MinHits = 2 }, []);
        var events = new List<TrackEvent>();
        var t = DateTimeOffset.UtcNow;
        tracker.Update([Box(10, 10)], [], 100, 100, t, events);
        tracker.Update([], [Box(11, 10, score: 0.2f)], 100, 100, t.AddSeconds(0.1), events);
        Assert.Empty(events);
        Assert.Equal(0, tracker.ActiveCount);
    }
}
