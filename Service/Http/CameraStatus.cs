using ParNetDetect.Imaging.Video;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Pipeline;

namespace ParNetDetect.Service.Http;

/// <summary>One camera as /api/cameras shows it; <see cref="Shard"/> is the instance's ("2/3"; "1/1" unsharded).</summary>
public sealed record CameraStatus(
    string Id,
    string Source,
    CameraState State,
    DateTimeOffset StateSince,
    DateTimeOffset? LastFrameAt,
    string? LastError,
    long Reconnects,
    int Width,
    int Height,
    double CameraFps,
    double DetectionFps,
    double SkippedFps,
    double InferenceMsMean,
    int TrackedObjects,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<string> Zones,
    string Shard)
{
    public static CameraStatus Of(CameraRuntime c, string shard)
    {
        var h = c.Health.Snapshot();
        // Confirmed objects only: a detection no confirmed track owns yet may be a flicker or a ghost.
        var counts = (c.Latest?.Objects ?? []).Where(o => o.ObjectId > 0).GroupBy(o => o.Label).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Count());
        return new CameraStatus(c.Id, CredentialMask.Apply(c.Options.Source), h.State, h.StateSince, h.LastFrameAt,
            h.LastError, h.Reconnects, h.Width, h.Height, Math.Round(c.Metrics.Captured.PerSecond, 2),
            Math.Round(c.Metrics.Detected.PerSecond, 2), Math.Round(c.Metrics.Skipped.PerSecond, 2),
            Math.Round(c.Metrics.InferenceSeconds.Snapshot().Mean * 1000, 1), c.TrackedObjects, counts,
            c.Zones.Select(z => z.Name).ToList(), shard);
    }
}
