using ParNetDetect.Service.History;

namespace ParNetDetect.Service.Http;

/// <summary>The history's part of /metrics (Prometheus text), beside the cameras' (HTTP writes /metrics; the history
/// only counts); nothing while the history is off. Events the history dropped are in
/// parnet_events_dropped_total{stage="history"} with the other sinks'.</summary>
public static class HistoryMetrics
{
    public static string Write(HistoryService history)
    {
        if (history.Writer is not { } writer) return "";
        var w = new PrometheusText.Writer();
        w.Family("parnet_history_up", "gauge", "1 while the event history database is open.",
            [("", writer.Database != null && writer.Unavailable == null ? 1.0 : 0.0)]);
        w.Family("parnet_history_events_written_total", "counter", "Object events written to the history database.",
            [("", (double)writer.Written)]);
        w.Family("parnet_history_low_disk", "gauge", "1 while the history disk is under History:MinFreeDiskMB free (no clips are written).",
            [("", history.Disk!.Low ? 1.0 : 0.0)]);
        w.Family("parnet_history_disk_free_bytes", "gauge", "Free bytes on the history folder's disk.",
            [("", (double)history.Disk.FreeBytes)]);
        w.Family("parnet_history_disk_bytes", "gauge", "Bytes of snapshots and clips the camera holds (as of the last retention pass).",
            history.Cameras.Select(c => (Label(c), (double)writer.DiskBytes.GetValueOrDefault(c.Camera))));
        var recorders = history.Cameras.Where(c => c.Recorder != null).ToList();
        w.Family("parnet_history_clips_total", "counter", "Clips finished: result=\"written\", or \"failed\" (ffmpeg could not write it).",
            recorders.SelectMany(c => new[]
            {
                (Label(c) + ",result=\"written\"", (double)c.Recorder!.Written),
                (Label(c) + ",result=\"failed\"", (double)c.Recorder.Failed),
            }));
        w.Family("parnet_history_clip_frames_dropped_total", "counter", "Frames left out of clips because ffmpeg fell behind.",
            recorders.Select(c => (Label(c), (double)c.Recorder!.DroppedFrames)));
        return w.ToString();
    }

    static string Label(CameraHistory c) => $"camera=\"{c.Camera}\"";
}
