using System.Globalization;
using System.Text;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Metrics;

namespace ParNetDetect.Service.Http;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4) for /metrics, from the cameras'
/// <see cref="CameraMetricsSnapshot"/>s and the event dispatcher's drop counters.</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<CameraMetricsSnapshot> cameras, EventDispatcher dispatcher)
    {
        var w = new Writer();
        w.Family("parnet_camera_fps", "gauge", "Frames per second delivered by the camera (5 s window).",
            cameras.Select(c => (Label(c), c.CameraFps)));
        w.Family("parnet_detection_fps", "gauge", "Frames per second run through the detector (5 s window).",
            cameras.Select(c => (Label(c), c.DetectionFps)));
        w.Family("parnet_skipped_fps", "gauge", "Frames per second that never reached the detector (5 s window).",
            cameras.Select(c => (Label(c), c.SkippedFps)));
        w.Family("parnet_camera_frames_total", "counter", "Frames delivered by the camera.",
            cameras.Select(c => (Label(c), (double)c.CapturedFrames)));
        w.Family("parnet_detected_frames_total", "counter", "Frames run through the detector.",
            cameras.Select(c => (Label(c), (double)c.DetectedFrames)));
        w.Family("parnet_skipped_frames_total", "counter",
            "Frames not run through the detector: stale (a newer frame replaced it) or no_motion (motion gate).",
            cameras.SelectMany(c => new[]
            {
                (Label(c) + ",reason=\"stale\"", (double)c.SkippedStale),
                (Label(c) + ",reason=\"no_motion\"", (double)c.SkippedNoMotion),
            }));
        w.Family("parnet_camera_reconnects_total", "counter", "Times the camera went into reconnecting.",
            cameras.Select(c => (Label(c), (double)c.Reconnects)));
        w.Family("parnet_camera_up", "gauge", "1 while the camera is connected.",
            cameras.Select(c => (Label(c), c.Up ? 1.0 : 0.0)));
        w.Family("parnet_tracked_objects", "gauge", "Confirmed tracks on the camera.",
            cameras.Select(c => (Label(c), (double)c.TrackedObjects)));
        w.Family("parnet_events_total", "counter", "Object events raised.",
            cameras.Select(c => (Label(c), (double)c.Events)));
        w.Family("parnet_events_dropped_total", "counter",
            "Events and frame reports dropped: stage=\"queue\" when the sinks fell behind, else by that sink (e.g. broker down).",
            dispatcher.Sinks.Select(s => ($"stage=\"{s.Name}\"", (double)s.Dropped)).Prepend(("stage=\"queue\"", dispatcher.Dropped)));
        w.Histograms("parnet_inference_seconds", "Detector call time per frame (letterbox, forward, decode, NMS).",
            cameras.Select(c => (Label(c), c.InferenceSeconds)));
        w.Histograms("parnet_capture_to_result_seconds", "Frame capture to tracked result and events.",
            cameras.Select(c => (Label(c), c.CaptureToResultSeconds)));
        return w.ToString();
    }

    static string Label(CameraMetricsSnapshot c) => $"camera=\"{c.CameraId}\""; // ids are [A-Za-z0-9_-], nothing to escape

    sealed class Writer
    {
        readonly StringBuilder _sb = new();

        public void Family(string name, string type, string help, IEnumerable<(string Labels, double Value)> samples)
        {
            Header(name, type, help);
            foreach (var (labels, value) in samples)
                _sb.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : "").Append(' ').Append(Num(value)).Append('\n');
        }

        public void Histograms(string name, string help, IEnumerable<(string Labels, HistogramSnapshot H)> series)
        {
            Header(name, "histogram", help);
            foreach (var (labels, h) in series)
            {
                for (int i = 0; i < h.Bounds.Length; i++)
                    _sb.Append($"{name}_bucket{{{labels},le=\"{Num(h.Bounds[i])}\"}} {h.CumulativeCounts[i]}\n");
                _sb.Append($"{name}_bucket{{{labels},le=\"+Inf\"}} {h.Count}\n");
                _sb.Append($"{name}_sum{{{labels}}} {Num(h.Sum)}\n");
                _sb.Append($"{name}_count{{{labels}}} {h.Count}\n");
            }
        }

        void Header(string name, string type, string help) =>
            _sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
               .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        static string Num(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

        public override string ToString() => _sb.ToString();
    }
}
