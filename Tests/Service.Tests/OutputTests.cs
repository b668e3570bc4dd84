using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Metrics;

namespace ParNetDetect.Service.Tests;

public class OutputTests
{
    static ObjectEvent Event(long id) => new("new", "cam", id, "square", 0.9f, new BoxJson(1, 2, 3, 4), null, [],
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null);

    [Fact]
    public async Task JsonLinesSinkAppendsValidLinesAndRotatesBySize()
    {
        string dir = Support.TestVideos.TempDirectory();
        var options = new EventOptions { JsonLinesPath = Path.Combine(dir, "events.jsonl"), MaxFileBytes = 4096, RetainedFiles = 2 };
        var sink = new JsonLinesEventSink(options, NullLogger<JsonLinesEventSink>.Instance);
        await sink.StartAsync(default);
        for (int i = 0; i < 100; i++) await sink.WriteEventAsync(Event(i), default);
        await sink.DisposeAsync();

        string[] files = Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray()!;
        Assert.Equal(["events.1.jsonl", "events.2.jsonl", "events.jsonl"], files);
        var lines = File.ReadAllLines(Path.Combine(dir, "events.jsonl"));
        Assert.All(files, f => Assert.InRange(new FileInfo(Path.Combine(dir, f)).Length, 1, 4096));
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(99, last.GetProperty("objectId").GetInt64());
        Assert.Equal("square", last.GetProperty("label").GetString());
        Assert.Equal(3, last.GetProperty("box").GetProperty("x2").GetSingle());
    }

    [Fact]
    public async Task JsonLinesSinkThatCannotWriteDropsAndCountsThenRecovers()
    {
        string dir = Support.TestVideos.TempDirectory();
        string folder = Path.Combine(dir, "events");
        File.WriteAllText(folder, "a file where the folder should be");
        var sink = new JsonLinesEventSink(new EventOptions { JsonLinesPath = Path.Combine(folder, "events.jsonl") },
            NullLogger<JsonLinesEventSink>.Instance, retryEvery: TimeSpan.Zero);
        await sink.StartAsync(default);
        await sink.WriteEventAsync(Event(1), default);
        await sink.FlushAsync(default);
        Assert.Equal(1, sink.Dropped);

        File.Delete(folder); // the obstacle goes: the next write reopens the file
        await sink.WriteEventAsync(Event(2), default);
        await sink.DisposeAsync();
        Assert.Equal(1, sink.Dropped);
        Assert.Equal(2, JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(folder, "events.jsonl")))).RootElement.GetProperty("objectId").GetInt64());
    }

    [Fact]
    public async Task JsonLinesSinkWhoseFolderGoesAwayMidRunDropsInsteadOfThrowing()
    {
        string dir = Support.TestVideos.TempDirectory();
        string folder = Path.Combine(dir, "events");
        var sink = new JsonLinesEventSink(new EventOptions { JsonLinesPath = Path.Combine(folder, "events.jsonl"), MaxFileBytes = 4096 },
            NullLogger<JsonLinesEventSink>.Instance);
        await sink.StartAsync(default);
        for (int i = 0; i < 10; i++) await sink.WriteEventAsync(Event(i), default);
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "a file where the folder was"); // rotation and reopening now fail
        for (int i = 10; i < 100; i++) await sink.WriteEventAsync(Event(i), default);
        await sink.FlushAsync(default);
        await sink.DisposeAsync();
        Assert.InRange(sink.Dropped, 1, 90);
    }

    [Fact]
    public void PrometheusHistogramIsCumulativeWithSumAndCount()
    {
        var h = new Histogram([0.1, 1]);
        h.Observe(0.05);
        h.Observe(0.5);
        h.Observe(3);
        var s = h.Snapshot();
        Assert.Equal([1L, 2L], s.CumulativeCounts);
        Assert.Equal((3, 3.55), (s.Count, Math.Round(s.Sum, 2)));
    }
}

public class SnapshotStoreTests
{
    [Fact]
    public void KeepsTheNewestFilesIncludingAnEarlierRuns()
    {
        string dir = Support.TestVideos.TempDirectory();
        File.WriteAllBytes(Path.Combine(dir, "20200101-000000-000.jpg"), [1]); // left by an earlier run
        var store = new SnapshotStore(dir, maxFiles: 3);
        var t = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var saved = Enumerable.Range(0, 4).Select(i => store.Save([2], t.AddSeconds(i))).ToList();
        Assert.Equal(saved.Skip(1).Select(Path.GetFileName), Directory.GetFiles(dir).Select(Path.GetFileName).Order());
    }
}
