using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.History;
using ParNetDetect.Service.Pipeline;
using ParNetDetect.Service.Tests.Support;
using ParNetDetect.Service.Tracking;

namespace ParNetDetect.Service.Tests.History;

/// <summary>The writer with its cameras' histories: the event stream per object, stationary events, snapshots, pagination
/// and retention.</summary>
public class HistoryWriterTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 25, 19, 0, 0, TimeSpan.Zero);

    sealed class Store : IDisposable
    {
        public Store(params CameraHistoryOptions[] cameras)
        {
            Folder = Path.Combine(TestVideos.TempDirectory(), "history");
            Cameras = cameras.Select((o, i) => new CameraHistory($"cam{i}", o, null, new FrameAnnotator([], new ObjectMask([]), 75), 75)).ToList();
            Writer = new HistoryWriter(new HistoryOptions { Directory = Folder }, Cameras.ToDictionary(c => c.Camera), new ListLogger());
            Writer.Start();
        }

        public string Folder { get; }
        public List<CameraHistory> Cameras { get; }
        public HistoryWriter Writer { get; }
        public EventQueries Queries => new(Writer.Database!);

        /// <summary>Wires the camera's stationary objects to the writer as the history service does; returns the
        /// objects the camera reports as they become stationary.</summary>
        public List<long> FollowStationary(int camera = 0)
        {
            var became = new List<long>();
            Cameras[camera].BecameStationary += (id, objectId) =>
            {
                became.Add(objectId);
                Writer.ObjectStationary(id, objectId);
            };
            return became;
        }

        /// <summary>Queues the events and waits until they are committed (a request queued behind them is answered).</summary>
        public async Task Write(params ObjectEvent[] events)
        {
            foreach (var e in events) Assert.True(Writer.TryWrite(e));
            await Writer.RetainAsync(0, false);
        }

        public SqliteConnection Connect()
        {
            var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Folder, HistoryDatabase.FileName), Pooling = false }.ToString());
            c.Open();
            return c;
        }

        public void Dispose()
        {
            Writer.Stop(TimeSpan.FromSeconds(30));
            foreach (var c in Cameras) c.Dispose();
        }
    }

    static ObjectEvent Event(string type, long objectId, double seconds, string camera = "cam0", string? zone = null,
        string[]? zones = null, float score = 0.8f, double firstSeen = double.NaN) =>
        new(type, camera, objectId, "square", score, new BoxJson(10, 20, 50, 60), zone, zones ?? (zone != null ? [zone] : []),
            T0.AddSeconds(seconds), T0.AddSeconds(double.IsNaN(firstSeen) ? seconds : firstSeen), null);

    [Fact]
    public async Task TheEventStreamMakesOneRowPerObjectWithZonesTopScoreAndEnd()
    {
        using var store = new Store(new CameraHistoryOptions());
        await store.Write(
            Event("new", 1, 1, firstSeen: 0.8),
            Event("entered", 1, 2, zone: "gate", score: 0.95f),
            Event("left", 1, 3, zone: "gate", zones: []),
            Event("new", 2, 3.5),
            Event("gone", 1, 4),
            Event("update", 3, 5, zones: ["porch"])); // no "new" seen for it (dropped, or a future event type): still a row

        var events = store.Queries.List(new EventFilter()).Events;
        Assert.Equal([3L, 2L, 1L], events.Select(e => e.ObjectId));
        var first = events[2];
        Assert.Equal((T0.AddSeconds(0.8), T0.AddSeconds(4)), (first.Start, first.End!.Value));
        Assert.Equal(["gate"], first.Zones); // entered, and kept after it left
        Assert.Equal(0.95f, first.TopScore);
        Assert.False(first.Stationary);
        Assert.Null(events[1].End); // still in view
        Assert.Equal(["porch"], events[0].Zones);
        Assert.Equal([1L], store.Queries.List(new EventFilter(Zone: "gate")).Events.Select(e => e.ObjectId));
        Assert.Equal(6, store.Writer.Written);
        Assert.Equal(0, store.Writer.Dropped);
    }

    [Fact]
    public async Task EventsLeftOpenByAKilledRunEndAtTheirLastUpdateWhenTheStoreOpensAgain()
    {
        string folder;
        using (var store = new Store(new CameraHistoryOptions()))
        {
            folder = store.Folder;
            await store.Write(Event("new", 1, 1), Event("entered", 1, 2, zone: "gate"));
        }
        var writer = new HistoryWriter(new HistoryOptions { Directory = folder }, new Dictionary<string, CameraHistory>(), new ListLogger());
        writer.Start();
        await writer.RetainAsync(0, false);
        var e = Assert.Single(new EventQueries(writer.Database!).List(new EventFilter()).Events);
        Assert.Equal(T0.AddSeconds(2), e.End);
        writer.Stop(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ObjectsWhoseEndWasDroppedAreLetGoOldestFirstAndGoOnInTheirOwnRowWhenTheyComeBack()
    {
        using var store = new Store(new CameraHistoryOptions());
        const int open = HistoryWriter.MaxOpenEvents + 1; // one more object in view than the writer follows; no "gone" came
        for (int from = 1; from <= open; from += 1000) // in steps, within the queue's capacity
            await store.Write(Enumerable.Range(from, Math.Min(1000, open + 1 - from)).Select(o => Event("new", o, o * 0.01)).ToArray());
        List<long> Ended()
        {
            using var c = store.Connect();
            using var command = HistoryDatabase.Command(c, "SELECT object_id FROM events WHERE end_ms IS NOT NULL ORDER BY object_id", null);
            using var r = command.ExecuteReader();
            var ended = new List<long>();
            while (r.Read()) ended.Add(r.GetInt64(0));
            return ended;
        }
        Assert.Equal(Enumerable.Range(1, HistoryWriter.MaxOpenEvents / 10).Select(o => (long)o), Ended()); // the longest without an event

        await store.Write(Event("entered", 1, 200, zone: "gate", firstSeen: 0.01)); // still about after all
        Assert.DoesNotContain(1L, Ended());
        await store.Write(Event("gone", 1, 201, firstSeen: 0.01));
        var first = Assert.Single(store.Queries.List(new EventFilter(Zone: "gate")).Events);
        Assert.Equal((1L, T0.AddSeconds(0.01), T0.AddSeconds(201)), (first.ObjectId, first.Start, first.End!.Value));
        using var c = store.Connect();
        Assert.Equal((long)open, HistoryDatabase.Scalar(c, "SELECT count(*) FROM events")); // one row per object still
    }

    [Fact]
    public async Task TheBestFrameBecomesTheSnapshotCleanAndAnnotatedAndIsRewrittenOnlyWhenItImproves()
    {
        using var store = new Store(new CameraHistoryOptions());
        var best = store.Cameras[0].Best;
        using var frame = new Mat(120, 160, MatType.CV_8UC3, Scalar.Gray);
        Cv2.ImEncode(".jpg", frame, out byte[] jpeg);
        var saved = new List<byte[]>();
        store.Writer.SnapshotSaved += (_, bytes) => saved.Add(bytes);
        FrameReport Report(float score) => new("cam0", T0, T0, 160, 120, false, [new ReportedObject(1, "square", score, new BoxJson(20, 30, 60, 90), [], 0)]);

        best.Offer(Report(0.7f), jpeg);
        await store.Write(Event("new", 1, 1, score: 0.6f));
        var e = store.Queries.List(new EventFilter()).Events.Single();
        Assert.Equal((true, 0.7f, new BoxJson(20, 30, 60, 90)), (e.HasSnapshot, e.TopScore, e.Box));
        byte[] clean = File.ReadAllBytes(Path.Combine(store.Folder, e.CleanSnapshotPath!));
        byte[] annotated = File.ReadAllBytes(Path.Combine(store.Folder, e.SnapshotPath!));
        Assert.Equal(jpeg, clean);
        Assert.NotEqual(clean, annotated);
        Assert.Single(saved);

        await store.Write(Event("entered", 1, 2, zone: "gate")); // no better frame: nothing rewritten
        Assert.Single(saved);
        best.Offer(Report(0.9f), jpeg);
        await store.Write(Event("gone", 1, 3));
        Assert.Equal(2, saved.Count);
        Assert.Equal(0.9f, store.Queries.List(new EventFilter()).Events.Single().TopScore);
        Assert.Null(best.Take(1, 0)); // forgotten once the event ended
    }

    /// <summary>A processed frame of cam0 whose objects carry the tracker's stationary flag.</summary>
    static FrameReport Frame(double seconds, params (long Id, BoxJson Box, bool Stationary)[] objects) =>
        new("cam0", T0.AddSeconds(seconds), T0.AddSeconds(seconds), 160, 120, false,
            objects.Select(o => new ReportedObject(o.Id, "square", 0.8f, o.Box, [], 0) { Stationary = o.Stationary }).ToList());

    [Fact]
    public async Task AnEventBecomesStationaryWhenTheTrackerReportsItsObjectStationary()
    {
        using var store = new Store(new CameraHistoryOptions());
        var camera = store.Cameras[0];
        var became = store.FollowStationary();
        await store.Write(Event("new", 1, 0), Event("new", 2, 0));
        using var image = new Mat(120, 160, MatType.CV_8UC3, Scalar.Gray);
        var parked = new BoxJson(40, 40, 80, 90);
        var rng = new Random(14);
        // 30 s in which neither box moves (object 1 jitters a little, object 2 not at all): the history has no rule of
        // its own, so only the tracker's word, given for object 1 at 5 s, makes an event stationary.
        for (int i = 0; i <= 60; i++)
        {
            float jitter = rng.NextSingle() * 2 - 1;
            camera.Observe(image, Frame(i * 0.5, (1, parked with { X1 = 40 + jitter, X2 = 80 + jitter }, i >= 10),
                (2, new BoxJson(100, 10, 120, 30), false)), 2);
            if (i != 9) continue;
            await store.Write();
            Assert.DoesNotContain(store.Queries.List(new EventFilter()).Events, e => e.Stationary);
        }
        Assert.Equal([1L], became); // once, in the frame that first called it stationary

        await store.Write(); // no event of the object's: the writer marks it now, not at its next event
        var events = store.Queries.List(new EventFilter()).Events.ToDictionary(e => e.ObjectId);
        Assert.True(events[1].Stationary);
        Assert.False(events[2].Stationary);
    }

    [Fact]
    public async Task AnEventStaysStationaryAfterItsObjectMovesOn()
    {
        using var store = new Store(new CameraHistoryOptions());
        var camera = store.Cameras[0];
        var became = store.FollowStationary();
        await store.Write(Event("new", 1, 0));
        using var image = new Mat(120, 160, MatType.CV_8UC3, Scalar.Gray);
        camera.Observe(image, Frame(10, (1, new BoxJson(40, 40, 80, 90), true)), 1); // parked
        camera.Observe(image, Frame(11, (1, new BoxJson(90, 40, 130, 90), false)), 1); // and drives off
        await store.Write(Event("update", 1, 11), Event("gone", 1, 13)); // the tracker's "update": no longer stationary

        Assert.Equal([1L], became);
        var e = Assert.Single(store.Queries.List(new EventFilter()).Events);
        Assert.True(e.Stationary); // a car that parked and drove off is a stationary event
        Assert.NotNull(e.End);
        Assert.False(camera.Stationary.Contains(1)); // forgotten once its event ended
    }

    [Fact]
    public async Task AnObjectReportedStationaryBeforeItsFirstEventIsWrittenHasAStationaryEvent()
    {
        using var store = new Store(new CameraHistoryOptions());
        var camera = store.Cameras[0];
        store.FollowStationary();
        using var image = new Mat(120, 160, MatType.CV_8UC3, Scalar.Gray);
        camera.Observe(image, Frame(10, (1, new BoxJson(40, 40, 80, 90), true)), 1);
        await store.Write(); // the writer's message finds no event to mark: its "new" is still on its way
        Assert.Empty(store.Queries.List(new EventFilter()).Events);

        await store.Write(Event("new", 1, 10));
        Assert.True(Assert.Single(store.Queries.List(new EventFilter()).Events).Stationary);
    }

    [Fact]
    public void StationaryObjectsWhoseEndNeverCameAreLetGoLeastRecentlySeenFirst()
    {
        var stationary = new StationaryObjects();
        var box = new BoxJson(40, 40, 80, 90);
        for (int id = 1; id <= BestFrames.MaxObjects; id++)
            stationary.Observe(Frame(id, (id, box, true)));
        stationary.Observe(Frame(1000, (1, box, false))); // still in view (it moved on): seen last
        stationary.Observe(Frame(1001, (BestFrames.MaxObjects + 1, box, true)));

        Assert.False(stationary.Contains(2)); // the one seen longest ago
        Assert.True(stationary.Contains(1));
        Assert.True(stationary.Contains(BestFrames.MaxObjects + 1));
    }

    [Fact]
    public async Task AnEventIsStationaryOnceTheTrackerFindsItsObjectUnmovedForTheCamerasStationarySeconds()
    {
        using var store = new Store(new CameraHistoryOptions());
        store.FollowStationary();
        var detector = new ScriptedDetector();
        var clock = new ManualClock { Now = T0 };
        var options = new CameraOptions
        {
            Id = "cam0", Source = "x.avi",
            Tracker = new TrackerOptions { MinHits = 2, StationarySeconds = 2, LostAfterSeconds = 1 },
        };
        var service = new ServiceOptions { Cameras = [options] };
        service.Events.SnapshotDirectory = TestVideos.TempDirectory();
        using var runtime = new CameraRuntime(options, "Cameras:0", detector, service, new ListLogger(), clock) { Observer = store.Cameras[0] };
        var sink = new RecordingSink();
        var dispatcher = new EventDispatcher([sink], service, NullLogger<EventDispatcher>.Instance);
        await dispatcher.StartedAsync(CancellationToken.None);
        using var image = new Mat(240, 320, MatType.CV_8UC3, Scalar.Black);
        var rng = new Random(13);

        // At 10 frames/s: the square walks, stops for 3 s (more than StationarySeconds) and walks on; the circle walks,
        // stops for 1 s (less) and walks on. Both then leave.
        static float Along(int frame, int stopAt, int stopFor) =>
            10 + 5 * (frame < stopAt ? frame : frame < stopAt + stopFor ? stopAt : frame - stopFor);
        for (int k = 0; k < 80; k++)
        {
            detector.Next.Clear();
            if (k < 55)
            {
                float jitter = rng.NextSingle() - 0.5f;
                float square = Along(k, 10, 30) + jitter, circle = Along(k, 10, 10) + jitter;
                detector.Next.AddRange([new Detection(square, 40, square + 20, 60, 0.9f, 0), new Detection(circle, 150, circle + 20, 170, 0.9f, 1)]);
            }
            runtime.Process(new CapturedFrame(image, clock.Now, 0), detector, dispatcher);
            clock.Now += TimeSpan.FromMilliseconds(100);
        }
        await TestHost.WaitUntil(() => sink.Events.Count == runtime.Metrics.Events, "the events to reach the sink");
        await dispatcher.StopAsync(CancellationToken.None);
        await store.Write(sink.Events.ToArray());

        var events = store.Queries.List(new EventFilter()).Events.ToDictionary(e => e.Label);
        Assert.Equal(["circle", "square"], events.Keys.Order());
        Assert.All(events.Values, e => Assert.NotNull(e.End));
        Assert.True(events["square"].Stationary);
        Assert.False(events["circle"].Stationary);
    }

    [Fact]
    public async Task PagesFollowTheCursorWithoutGapsOrRepeatsForEveryFilter()
    {
        using var store = new Store(new CameraHistoryOptions(), new CameraHistoryOptions());
        var rng = new Random(14);
        var events = new List<ObjectEvent>();
        for (int i = 1; i <= 230; i++)
        {
            // Whole seconds, so many events share a start and the id breaks the tie.
            double at = rng.Next(0, 60);
            string[] zones = rng.Next(3) == 0 ? ["gate"] : [];
            events.Add(Event("new", i, at, camera: rng.Next(2) == 0 ? "cam0" : "cam1", zones: zones));
        }
        await store.Write(events.ToArray());

        foreach (var filter in new[] { new EventFilter(), new EventFilter(Camera: "cam1"), new EventFilter(Zone: "gate"),
                     new EventFilter(Camera: "cam0", Zone: "gate", After: T0.AddSeconds(10), Before: T0.AddSeconds(50)) })
        {
            var all = store.Queries.List(filter with { Limit = 500 }).Events;
            var paged = new List<EventRecord>();
            EventCursor? cursor = null;
            do
            {
                var page = store.Queries.List(filter with { Limit = 17, Cursor = cursor });
                paged.AddRange(page.Events);
                cursor = page.NextCursor == null ? null : EventCursor.TryParse(page.NextCursor, out var c) ? c : throw new InvalidOperationException();
            }
            while (cursor != null);
            Assert.Equal(all.Select(e => e.Id), paged.Select(e => e.Id));
            Assert.Equal(all.OrderByDescending(e => e.Start).ThenByDescending(e => e.Id).Select(e => e.Id), all.Select(e => e.Id));
            var expected = events.Where(e => (filter.Camera == null || e.CameraId == filter.Camera) && (filter.Zone == null || e.Zones.Contains(filter.Zone)) &&
                (filter.After == null || e.FirstSeen >= filter.After) && (filter.Before == null || e.FirstSeen < filter.Before));
            Assert.Equal(expected.Count(), all.Count);
        }
    }

    [Fact]
    public async Task ACameraOverItsBudgetIsBroughtBackUnderItWithoutWaitingForTheInterval()
    {
        using var store = new Store(new CameraHistoryOptions { MaxDiskMB = 0.5 });
        using var noise = new Mat(240, 320, MatType.CV_8UC3);
        Cv2.Randu(noise, Scalar.All(0), Scalar.All(255)); // OpenCV's generator, seeded the same every run
        Cv2.ImEncode(".jpg", noise, out byte[] jpeg);
        Assert.True(jpeg.Length > 30_000);
        for (int i = 1; i <= 20; i++) // about 1.2 MB of snapshots against 0.5 MB
        {
            store.Cameras[0].Best.Offer(new FrameReport("cam0", T0, T0, 320, 240, false,
                [new ReportedObject(i, "square", 0.9f, new BoxJson(1, 1, 50, 50), [], 0)]), jpeg);
            await store.Write(Event("new", i, i), Event("gone", i, i + 0.5));
        }
        await TestHost.WaitUntil(() => store.Writer.DiskBytes.GetValueOrDefault("cam0") is > 0 and <= 512 * 1024, "the camera back under its budget");
        var kept = store.Queries.List(new EventFilter()).Events;
        Assert.InRange(kept.Count, 1, 12);
        Assert.Equal(20, kept[0].ObjectId); // the oldest went
    }

    [Fact]
    public async Task RetentionDeletesOldEventsAndClipsAndKeepsTheBudgetOldestFirstButNeverARetainedEvent()
    {
        using var store = new Store(new CameraHistoryOptions { EventDays = 30, ClipDays = 7, MaxDiskMB = 1 });
        var now = DateTimeOffset.UtcNow;
        double DaysAgo(double days) => (now.AddDays(-days) - T0).TotalSeconds;
        // Objects 1-3 are old enough to expire; 1 is retained. 4-13 are recent and hold 200 kB of snapshots each.
        var events = new List<ObjectEvent>();
        for (int i = 1; i <= 13; i++)
        {
            double at = i <= 3 ? DaysAgo(40 - i) : DaysAgo(2 - i * 0.01);
            events.Add(Event("new", i, at));
            events.Add(Event("gone", i, at + 1));
        }
        await store.Write(events.ToArray());
        var ids = store.Queries.List(new EventFilter()).Events.ToDictionary(e => e.ObjectId, e => e.Id);
        Assert.True(await store.Writer.RetainAsync(ids[1], true));
        Assert.True(await store.Writer.RetainAsync(ids[4], true));

        // Two clips: one 10 days old (past ClipDays), one recent; events point into them.
        string Clip(string name, double daysAgo)
        {
            string relative = Path.Combine("clips", "cam0", name);
            Directory.CreateDirectory(Path.Combine(store.Folder, "clips", "cam0"));
            File.WriteAllBytes(Path.Combine(store.Folder, relative), new byte[1000]);
            store.Writer.ClipEnded(new ClipResult("cam0", relative, now.AddDays(-daysAgo), now.AddDays(-daysAgo).AddMinutes(1), 1000, null));
            return relative;
        }
        string oldClip = Clip("old.mp4", 10), newClip = Clip("new.mp4", 2);
        using (var c = store.Connect())
        {
            HistoryDatabase.Execute(c, "UPDATE events SET clip = $clip, clip_offset_ms = 0 WHERE object_id IN (2, 3)", null, ("$clip", oldClip));
            HistoryDatabase.Execute(c, "UPDATE events SET clip = $clip, clip_offset_ms = 0 WHERE object_id > 3", null, ("$clip", newClip));
            // 200 kB of snapshots per event: 13 events are 2.6 MB, over the 1 MB budget.
            foreach (long id in ids.Values)
            {
                string file = Path.Combine("snapshots", "cam0", $"{id}.jpg");
                Directory.CreateDirectory(Path.Combine(store.Folder, "snapshots", "cam0"));
                File.WriteAllBytes(Path.Combine(store.Folder, file), new byte[200_000]);
                HistoryDatabase.Execute(c, "UPDATE events SET snapshot = $file, snapshot_bytes = 200000 WHERE id = $id", null, ("$file", file), ("$id", id));
            }
        }

        store.Writer.ApplyRetention();
        await store.Write();
        var kept = store.Queries.List(new EventFilter()).Events.ToDictionary(e => e.ObjectId);
        // 1 (retained) survives its age, 2 and 3 expired; of the recent ones the oldest went until 1 MB was left,
        // except 4, which is retained.
        Assert.Equal([1L, 4L, 11L, 12L, 13L], kept.Keys.Order());
        Assert.True(store.Writer.DiskBytes["cam0"] <= 1024 * 1024);
        Assert.False(File.Exists(Path.Combine(store.Folder, oldClip)));
        Assert.True(File.Exists(Path.Combine(store.Folder, newClip)));
        Assert.True(kept[13].HasClip);
        Assert.All(new long[] { 2, 3, 5 }, o => Assert.False(File.Exists(Path.Combine(store.Folder, "snapshots", "cam0", $"{ids[o]}.jpg"))));
        Assert.True(File.Exists(Path.Combine(store.Folder, kept[1].SnapshotPath!)));
    }
}
