using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Http;
using ParNetDetect.Service.Pipeline;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests;

/// <summary>One camera's frames through filter, tracker and events, on scripted detections and a manual clock: what
/// the API counts and shows, and what the sinks receive.</summary>
public class CameraRuntimeTests
{
    static Detection Box(float x, float y, float score, int cls = 0) => new(x, y, x + 20, y + 20, score, cls);

    [Fact]
    public async Task OnlyConfirmedObjectsAreCountedAndEventedAndAResterIsMarkedStationary()
    {
        var detector = new ScriptedDetector();
        var clock = new ManualClock();
        var options = new CameraOptions
        {
            Id = "yard", Source = "x.avi",
            Tracker = new TrackerOptions { MinHits = 2, StationarySeconds = 1, LostAfterSeconds = 5 },
            ObjectMasks = [[[0.8, 0.8], [1, 0.8], [1, 1], [0.8, 1]]],
        };
        var service = new ServiceOptions { Cameras = [options] };
        service.Events.SnapshotDirectory = TestVideos.TempDirectory();
        using var camera = new CameraRuntime(options, "Cameras:0", detector, service, NullLogger.Instance, clock);
        var sink = new RecordingSink();
        var dispatcher = new EventDispatcher([sink], service, NullLogger<EventDispatcher>.Instance);
        await dispatcher.StartedAsync(CancellationToken.None);
        using var image = new Mat(200, 200, MatType.CV_8UC3, Scalar.Black);

        void Frame(params Detection[] detections)
        {
            detector.Next.Clear();
            detector.Next.AddRange(detections);
            camera.Process(new CapturedFrame(image, clock.Now, 0), detector, dispatcher);
            clock.Now += TimeSpan.FromMilliseconds(100);
        }

        for (int k = 0; k <= 15; k++)
            Frame(Box(10 + 3 * k, 40, 0.9f),                         // a square walking right
                Box(100, 100, k % 3 == 0 ? 0.8f : 0.3f),             // a ghost: above threshold only now and then
                Box(170, 170, 0.95f));                               // standing in the object mask
        Frame(Box(58, 40, 0.9f), Box(100, 100, 0.8f), Box(20, 150, 0.9f, cls: 1)); // and a circle flickers in

        var status = CameraStatus.Of(camera, "1/1");
        Assert.Equal(["square: 1"], status.Counts.Select(c => $"{c.Key}: {c.Value}"));
        Assert.Equal(1, status.TrackedObjects);
        var shown = camera.Latest!.Objects; // the ghost and the flicker reach Confidence in this frame: shown, id 0
        Assert.Equal([(1L, "square"), (0L, "square"), (0L, "circle")], shown.Select(o => (o.ObjectId, o.Label)));

        for (int k = 0; k <= 10; k++) Frame(Box(58, 40, 0.9f)); // the square stops
        var rester = Assert.Single(camera.Latest!.Objects);
        Assert.True(rester.Stationary);
        Assert.Contains("\"stationary\":true", JsonSerializer.Serialize(camera.Latest, EventJson.Options));

        await TestHost.WaitUntil(() => sink.Events.Count == camera.Metrics.Events, "the events to reach the sink");
        await dispatcher.StopAsync(CancellationToken.None);
        var events = sink.Events.ToList();
        Assert.Equal([("new", false), ("update", true)], events.Select(e => (e.Type, e.Stationary)));
        Assert.All(events, e => Assert.Equal((1L, "square", 0.9f), (e.ObjectId, e.Label, e.Score)));
        Assert.Contains("\"stationary\":true", System.Text.Encoding.UTF8.GetString(EventJson.Serialize(events[1])));
    }
}
