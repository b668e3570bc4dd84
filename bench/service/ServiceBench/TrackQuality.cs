using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Pipeline;

/// <summary>
/// What users see live, measured: one camera's pipeline (object filter, tracker, with the camera's defaults, so the
/// model's own thresholds) on a rendered video, frame by frame on the file's own clock at the camera's fps cap, against
/// the video's COCO ground truth (image id = frame number from 1, a track_id per annotation). Reports the confirmed
/// objects' precision and recall per processed frame at IoU 0.5 (same label), the confirmed tracks that never overlap
/// a true object by IoU 0.5 in any frame (ghosts), and the number of confirmed tracks against the objects the video holds.
/// The detail file has one line per confirmed track: its label, the frames it was shown in, and the true object it
/// overlapped most, so a surplus can be traced to its cause (a changed label, a gap longer than LostAfterSeconds).
/// </summary>
static class TrackQuality
{
    const float MatchIou = 0.5f;

    sealed record TrueBox(Detection Box, string Label, long TrackId);

    sealed class Shown(string label, int frame)
    {
        public string Label { get; } = label;
        public int First { get; } = frame;
        public int Last { get; set; } = frame;
        public int Frames { get; set; }
        public Dictionary<long, int> Overlaps { get; } = [];
    }

    public static string Measure(IObjectDetector detector, string video, string groundTruth, double seconds, double fpsCap,
        TextWriter detail)
    {
        var truth = ReadGroundTruth(groundTruth);
        var camera = new CameraOptions { Id = "bench", Source = video, FpsCap = fpsCap };
        var service = new ServiceOptions { Cameras = [camera] };
        service.Events.SnapshotDirectory = Path.Combine(Path.GetTempPath(), $"service-bench-{Environment.ProcessId}");
        ServiceOptionsValidator.ThrowIfInvalid(service);
        var clock = new FileClock();
        using var runtime = new CameraRuntime(camera, "Cameras:0", detector, service, NullLogger.Instance, clock);
        var dispatcher = new EventDispatcher([], service, NullLogger<EventDispatcher>.Instance); // never started: no sinks

        using var capture = new VideoCapture(video);
        double fps = capture.Fps > 0 ? capture.Fps : 25;
        int step = fpsCap > 0 ? Math.Max(1, (int)Math.Round(fps / fpsCap)) : 1;
        int last = (int)Math.Min(seconds * fps, capture.FrameCount);
        var objects = new HashSet<long>();
        var tracks = new SortedDictionary<long, Shown>();
        var trueLabels = new Dictionary<long, string>();
        long shown = 0, matchedShown = 0, truths = 0, matchedTruths = 0;
        using var frame = new Mat();
        for (int n = 1; n <= last && capture.Read(frame); n++)
        {
            if ((n - 1) % step != 0) continue;
            clock.Now = DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds((n - 1) / fps);
            runtime.Process(new CapturedFrame(frame, clock.Now, n), detector, dispatcher);
            var confirmed = runtime.Latest!.Objects.Where(o => o.ObjectId > 0).ToList();
            var inView = truth.GetValueOrDefault(n, []);
            objects.UnionWith(inView.Select(t => t.TrackId));
            foreach (var t in inView) trueLabels[t.TrackId] = t.Label;
            foreach (var o in confirmed)
            {
                if (!tracks.TryGetValue(o.ObjectId, out var shownTrack)) tracks[o.ObjectId] = shownTrack = new Shown(o.Label, n);
                shownTrack.Last = n;
                shownTrack.Frames++;
                if (inView.Where(t => Iou(o.Box, t.Box) >= MatchIou).Select(t => (long?)t.TrackId).FirstOrDefault() is { } id)
                    shownTrack.Overlaps[id] = shownTrack.Overlaps.GetValueOrDefault(id) + 1;
            }
            int matched = MatchSameLabel(confirmed, inView);
            (shown, matchedShown, truths, matchedTruths) = (shown + confirmed.Count, matchedShown + matched,
                truths + inView.Count, matchedTruths + matched);
        }
        int ghosts = tracks.Values.Count(t => t.Overlaps.Count == 0); // never on a true object by IoU 0.5
        detail.WriteLine("track,label,first_frame,last_frame,frames_shown,true_object,true_label,frames_on_it");
        foreach (var (id, t) in tracks)
        {
            var (obj, count) = t.Overlaps.OrderByDescending(o => o.Value).Select(o => (o.Key, o.Value)).FirstOrDefault();
            detail.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{id},{t.Label},{t.First},{t.Last},{t.Frames},{(count > 0 ? obj.ToString(CultureInfo.InvariantCulture) : "")},{(count > 0 ? trueLabels[obj] : "")},{count}"));
        }
        double precision = matchedShown / (double)Math.Max(1, shown), recall = matchedTruths / (double)Math.Max(1, truths);
        double surplus = (tracks.Count - objects.Count) / (double)Math.Max(1, objects.Count);
        return string.Create(CultureInfo.InvariantCulture,
            $"tracks | {Path.GetFileName(video)}: frames 1-{last} at {fps:0.#} fps, every {step} | " +
            $"confirmed objects per frame at IoU 0.5: precision {precision:0.000}, recall {recall:0.000} | " +
            $"confirmed tracks {tracks.Count} for {objects.Count} objects ({surplus * 100:+0;-0}%) | ghosts {ghosts}");
    }

    /// <summary>Greedy one-to-one matching by IoU of the confirmed objects to the true boxes of the same label.</summary>
    static int MatchSameLabel(List<ReportedObject> confirmed, List<TrueBox> truth)
    {
        var pairs = new List<(float Iou, int O, int T)>();
        for (int o = 0; o < confirmed.Count; o++)
            for (int t = 0; t < truth.Count; t++)
                if (confirmed[o].Label == truth[t].Label && Iou(confirmed[o].Box, truth[t].Box) is var iou && iou >= MatchIou)
                    pairs.Add((iou, o, t));
        var usedO = new bool[confirmed.Count];
        var usedT = new bool[truth.Count];
        int matched = 0;
        foreach (var (_, o, t) in pairs.OrderByDescending(p => p.Iou))
        {
            if (usedO[o] || usedT[t]) continue;
            usedO[o] = usedT[t] = true;
            matched++;
        }
        return matched;
    }

    static float Iou(BoxJson a, Detection b) => Boxes.Iou(a.X1, a.Y1, a.X2, a.Y2, b.X1, b.Y1, b.X2, b.Y2);

    /// <summary>The true boxes per frame number, labelled with their category's name.</summary>
    static Dictionary<int, List<TrueBox>> ReadGroundTruth(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = json.RootElement;
        var names = root.GetProperty("categories").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("name").GetString()!);
        var frames = new Dictionary<int, List<TrueBox>>();
        foreach (var a in root.GetProperty("annotations").EnumerateArray())
        {
            var b = a.GetProperty("bbox").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            int image = a.GetProperty("image_id").GetInt32();
            if (!frames.TryGetValue(image, out var list)) frames[image] = list = new List<TrueBox>();
            list.Add(new TrueBox(new Detection(b[0], b[1], b[0] + b[2], b[1] + b[3], 1, 0),
                names[a.GetProperty("category_id").GetInt32()], a.GetProperty("track_id").GetInt64()));
        }
        return frames;
    }

    /// <summary>The video file's own time: frame n is shown at (n - 1) / fps.</summary>
    sealed class FileClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
