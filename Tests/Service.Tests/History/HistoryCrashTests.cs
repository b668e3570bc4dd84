using System.Diagnostics;
using OpenCvSharp;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.History;
using ParNetDetect.Service.Pipeline;
using ParNetDetect.Service.Tests.Support;
using ParNetDetect.Service.Tracking;

namespace ParNetDetect.Service.Tests.History;

/// <summary>
/// Nothing committed is lost: a child process writes events (with snapshots) through the history writer as fast as
/// it can and says after each commit which objects are in; it is killed with SIGKILL mid-write, and the database
/// must open with every object it reported, each whole, and no row or file half-written.
/// </summary>
public class HistoryCrashTests
{
    public const string ChildMode = "history-crash-writer";
    const int ObjectsPerRound = 25;

    static ObjectEvent Event(string type, long objectId, string? zone = null) =>
        new(type, "cam", objectId, "square", 0.8f, new BoxJson(1, 2, 30, 40), zone, zone == null ? [] : [zone],
            DateTimeOffset.UnixEpoch.AddSeconds(objectId), DateTimeOffset.UnixEpoch.AddSeconds(objectId), null);

    /// <summary>The child: rounds of objects (new, entered "gate", gone, and a best frame for each); after each round
    /// is committed it prints "committed N", N the last object of the round.</summary>
    public static int RunChild(string folder)
    {
        var camera = new CameraHistory("cam", new CameraHistoryOptions(), null, new FrameAnnotator([], new ObjectMask([]), 75), 75);
        var writer = new HistoryWriter(new HistoryOptions { Directory = folder, QueueCapacity = 100_000 },
            new Dictionary<string, CameraHistory> { ["cam"] = camera }, new ListLogger());
        writer.Start();
        using var frame = new Mat(120, 160, MatType.CV_8UC3, Scalar.Gray);
        Cv2.ImEncode(".jpg", frame, out byte[] jpeg);
        for (long next = 1; ; next += ObjectsPerRound)
        {
            for (long id = next; id < next + ObjectsPerRound; id++)
            {
                camera.Best.Offer(new FrameReport("cam", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 160, 120, false,
                    [new ReportedObject(id, "square", 0.9f, new BoxJson(5, 5, 50, 50), [], 0)]), jpeg);
                foreach (var e in new[] { Event("new", id), Event("entered", id, "gate"), Event("gone", id) })
                    if (!writer.TryWrite(e)) return 1;
            }
            if (writer.Unavailable != null) return 1;
            writer.RetainAsync(0, false).GetAwaiter().GetResult(); // answered once everything queued before it is committed
            Console.WriteLine($"committed {next + ObjectsPerRound - 1}");
            Console.Out.Flush();
        }
    }

    [Fact]
    public async Task AWriterKilledMidWriteLeavesEveryCommittedEventWholeAndNothingHalfWritten()
    {
        string folder = Path.Combine(TestVideos.TempDirectory(), "history");
        string dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { typeof(HistoryCrashTests).Assembly.Location, ChildMode, folder }) info.ArgumentList.Add(a);
        using var child = Process.Start(info)!;
        var stderr = child.StandardError.ReadToEndAsync();
        long committed = 0;
        try
        {
            using var timeout = new CancellationTokenSource(TestHost.StateTimeout);
            while (committed < 300 && await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                committed = long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            child.Kill(); // SIGKILL, while the next rounds are being written
            await child.WaitForExitAsync();
        }
        Assert.True(committed >= 300, $"the child stopped early: {await stderr}");

        var db = HistoryDatabase.Open(folder, new ListLogger());
        using var c = db.OpenReader();
        Assert.Equal("ok", HistoryDatabase.Scalar(c, "PRAGMA integrity_check"));
        Assert.Equal(0L, HistoryDatabase.Scalar(c, "SELECT count(*) FROM pragma_foreign_key_check"));
        var rows = new List<(long Object, long? End, string? Snapshot, string? Clean, long Zones)>();
        using (var command = HistoryDatabase.Command(c, """
            SELECT object_id, end_ms, snapshot, snapshot_clean, (SELECT count(*) FROM event_zones z WHERE z.event_id = e.id) FROM events e
            """, null))
        using (var r = command.ExecuteReader())
            while (r.Read())
                rows.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(4)));

        // Every object reported as committed is there, once, whole: ended, in its zone, with both snapshots.
        var byObject = rows.GroupBy(r => r.Object).ToDictionary(g => g.Key, g => g.Single());
        for (long id = 1; id <= committed; id++)
        {
            Assert.True(byObject.TryGetValue(id, out var row), $"object {id} was committed but is missing");
            Assert.Equal((id * 1000L, 1L), (row.End, row.Zones));
            Assert.NotNull(row.Snapshot);
        }
        // Whatever else made it in is consistent: a row that names a snapshot has the whole file, and an ended
        // object has its zone (entered was written before gone).
        foreach (var row in rows)
        {
            if (row.End != null) Assert.Equal(1L, row.Zones);
            foreach (string? file in new[] { row.Snapshot, row.Clean })
                if (file != null)
                {
                    byte[] jpeg = File.ReadAllBytes(Path.Combine(folder, file));
                    Assert.Equal((0xFF, 0xD8, 0xFF, 0xD9), (jpeg[0], jpeg[1], jpeg[^2], jpeg[^1]));
                }
        }
        Assert.True(rows.Count >= committed);
    }
}
