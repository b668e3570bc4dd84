// Service benchmarks, in one process so the numbers share one machine state:
//   speed: the detector's bare forward pass (median of N) beside the whole service running flat out on a video
//          (frames/s, capture-to-result latency, share of each frame's time outside the forward pass).
//   motion: a still scene (one frame of the video, repeated) in real time with the motion gate off, then on:
//          detector frames/s and the process's CPU use for each.
//   soak:  the service on a looping video in real time with an MJPEG viewer attached; resident memory sampled
//          every 10 s into a CSV, growth after warm-up and the slot's skipped/captured counts at the end.
//   history-api, history-record: the event history (HistoryBench.cs).
//   tracks: the camera pipeline on a rendered video (detect synth --video F.avi) against its ground truth F.json:
//          confirmed objects' precision and recall per frame, ghost tracks, confirmed tracks against objects.
// usage: service-bench speed|motion|soak|tracks|history-api|history-record --weights FILE|demo|random:<variant>:<size>
//        --video FILE [--seconds N] [--out DIR] [--fps-cap N] (detector frames/s; 0 = flat out) [--backend onnx|torch]
//        (default onnx, as `detect serve`); tracks: [--truth F.json] (default beside the video);
//        history-api: [--events N] [--requests R]; history-record: [--budget-mb M] (per camera)
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Platform;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;
using ParNetDetect.Service.Hosting;
using ParNetDetect.Service.Pipeline;
using static TorchSharp.torch;

var opts = ParseArgs(args);
string mode = args.Length > 0 ? args[0] : throw new ArgumentException("usage: service-bench speed|soak --weights ... --video ...");
string weights = opts.GetValueOrDefault("weights", "demo");
string video = opts["video"];
double seconds = double.Parse(opts.GetValueOrDefault("seconds", mode is "soak" or "history-record" ? "1800" : "60"), CultureInfo.InvariantCulture);
string outDir = opts.GetValueOrDefault("out", "runs/bench/service");
double fpsCap = double.Parse(opts.GetValueOrDefault("fps-cap", "0"), CultureInfo.InvariantCulture);
Directory.CreateDirectory(outDir);

TorchRuntime.Initialize(wait: ParNetObjectDetector.ThreadWaiting); // as the service runs
var backend = Enum.Parse<BackendKind>(opts.GetValueOrDefault("backend", "onnx"), ignoreCase: true);
using var detector = LoadDetector(weights, backend);
Console.WriteLine($"model {detector.Info.Model} at {detector.ImageSize}, backend {backend}, {get_num_threads()} threads, video {video}");

if (mode == "speed")
{
    var (fps, p50, p95, detectMs, frames) = await RunService(detector, video, seconds, fpsCap, realTime: false, mjpeg: false, rssCsv: null);
    var (callMs, forwardMs, insideOverheadMs) = DetectorSplit(detector, video, 30);
    double perFrame = 1000 / fps;
    // Outside the forward pass: the loop's own work around the detector call (slot, tracker, events, metrics),
    // measured in the service run, plus letterbox/decode/NMS inside the call, measured as interleaved pairs.
    double loopOverheadMs = Math.Max(0, perFrame - detectMs);
    double outside = (loopOverheadMs + insideOverheadMs) / (loopOverheadMs + detectMs);
    string line = string.Create(CultureInfo.InvariantCulture,
        $"speed | {detector.Info.Model} {detector.ImageSize} {backend} | frames {frames} | e2e {fps:0.00} fps ({perFrame:0.0} ms/frame) | " +
        $"loop overhead {loopOverheadMs:0.0} ms | detector call {detectMs:0.0} ms | pairs: call {callMs:0.0} ms, forward {forwardMs:0.0} ms, " +
        $"letterbox+decode+NMS {insideOverheadMs:0.0} ms | outside forward {outside * 100:0.0}% | capture->result p50 {p50 * 1000:0} ms p95 {p95 * 1000:0} ms");
    Console.WriteLine(line);
    File.AppendAllText(Path.Combine(outDir, "speed.txt"), line + "\n");
    var (single, batched) = BatchOfTwo(detector, video, 12);
    string batch = string.Create(CultureInfo.InvariantCulture,
        $"batching | two cameras' frames: 2 x batch-1 {single:0.0} ms, 1 x batch-2 {batched:0.0} ms, ratio {batched / single:0.00}");
    Console.WriteLine(batch);
    File.AppendAllText(Path.Combine(outDir, "speed.txt"), batch + "\n");
}
else if (mode == "motion")
{
    string still = StillVideo(video);
    var results = new List<string>();
    foreach (bool gate in new[] { false, true })
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var (fps, _, _, _, _) = await RunService(detector, still, seconds, fpsCap, realTime: true, mjpeg: false, rssCsv: null, motion: gate);
        double cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds;
        results.Add(string.Create(CultureInfo.InvariantCulture, $"gate {(gate ? "on" : "off")}: {fps:0.00} detector fps, {cores:0.00} CPU cores busy"));
    }
    string line = $"motion | still 640x480 scene at 25 fps, fps cap {fpsCap} | " + string.Join(" | ", results);
    Console.WriteLine(line);
    File.AppendAllText(Path.Combine(outDir, "motion.txt"), line + "\n");
}
else if (mode == "history-api")
{
    var adapter = new ParNetObjectDetector(detector, 0.45f);
    await HistoryBench.ApiAsync(adapter, video, int.Parse(opts.GetValueOrDefault("events", "100000"), CultureInfo.InvariantCulture),
        int.Parse(opts.GetValueOrDefault("requests", "200"), CultureInfo.InvariantCulture), fpsCap, outDir);
}
else if (mode == "history-record")
{
    var adapter = new ParNetObjectDetector(detector, 0.45f);
    await HistoryBench.RecordAsync(adapter, video, seconds, fpsCap,
        double.Parse(opts.GetValueOrDefault("budget-mb", "100"), CultureInfo.InvariantCulture), outDir);
}
else if (mode == "tracks")
{
    string truth = opts.GetValueOrDefault("truth", Path.ChangeExtension(video, ".json"));
    using var detail = new StreamWriter(Path.Combine(outDir, Path.GetFileNameWithoutExtension(video) + "-tracks.csv"));
    string line = TrackQuality.Measure(new ParNetObjectDetector(detector, 0.45f), video, truth, seconds, fpsCap, detail);
    Console.WriteLine(line);
    File.AppendAllText(Path.Combine(outDir, "tracks.txt"), line + "\n");
}
else if (mode == "soak")
{
    string csv = Path.Combine(outDir, "soak-rss.csv");
    var (fps, p50, p95, detectMs, frames) = await RunService(detector, video, seconds, fpsCap, realTime: true, mjpeg: true, rssCsv: csv);
    var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Select(c => (T: double.Parse(c[0], CultureInfo.InvariantCulture), Rss: double.Parse(c[1], CultureInfo.InvariantCulture))).ToList();
    double warm = rows.First(r => r.T >= Math.Min(300, seconds / 4)).Rss;
    double end = rows[^1].Rss, peak = rows.Max(r => r.Rss);
    string line = string.Create(CultureInfo.InvariantCulture,
        $"soak | {seconds / 60:0} min | frames detected {frames} at {fps:0.00} fps | RSS after warm-up {warm:0} MiB, end {end:0} MiB, " +
        $"peak {peak:0} MiB, growth {(end - warm) / warm * 100:+0.0;-0.0}% | capture->result p50 {p50 * 1000:0} ms p95 {p95 * 1000:0} ms");
    Console.WriteLine(line);
    File.AppendAllText(Path.Combine(outDir, "soak.txt"), line + "\n");
}

static async Task<(double Fps, double P50, double P95, double DetectMs, long Frames)> RunService(
    Detector detector, string video, double seconds, double fpsCap, bool realTime, bool mjpeg, string? rssCsv, bool motion = false)
{
    var camera = new CameraOptions
    {
        Id = "bench", Source = video, Loop = true, RealTime = realTime, FpsCap = fpsCap, Confidence = 0.25,
        Motion = new MotionOptions { Enabled = motion },
    };
    var options = new ServiceOptions
    {
        Cameras = [camera],
        Events = new EventOptions { JsonLinesPath = Path.Combine(Path.GetTempPath(), $"service-bench-{Environment.ProcessId}.jsonl") },
        // Out of the working directory: the default (history/ under it) put a run's database and snapshots in the checkout.
        History = new HistoryOptions { Directory = Path.Combine(Path.GetTempPath(), $"service-bench-{Environment.ProcessId}-history") },
        Http = new HttpOptions { Urls = "http://127.0.0.1:0" },
        Logging = new LoggingOptions { Level = "Warning" },
    };
    ServiceOptionsValidator.ThrowIfInvalid(options);
    var adapter = new ParNetObjectDetector(detector, 0.45f);
    var app = ServiceHost.Build(options, new ServiceHostSettings { CreateDetector = _ => new NonOwning(adapter) });
    await app.StartAsync();
    var runtime = app.Services.GetRequiredService<CameraRegistry>().All[0];
    using var http = new HttpClient { BaseAddress = new Uri(ServiceRunner.ListeningUrls(app).First()), Timeout = Timeout.InfiniteTimeSpan };
    using var stop = new CancellationTokenSource();
    long mjpegBytes = 0;
    Task viewer = mjpeg ? Task.Run(async () =>
    {
        await using var s = await http.GetStreamAsync("/api/cameras/bench/stream.mjpg", stop.Token);
        var buffer = new byte[1 << 16];
        try { int n; while ((n = await s.ReadAsync(buffer, stop.Token)) > 0) mjpegBytes += n; }
        catch (OperationCanceledException) { }
    }) : Task.CompletedTask;

    // Warm-up (first forward passes, JIT), then measure from a clean histogram baseline.
    await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, seconds / 6)));
    var lat0 = runtime.Metrics.CaptureToResultSeconds.Snapshot();
    var inf0 = runtime.Metrics.InferenceSeconds.Snapshot();
    long detected0 = runtime.Metrics.Detected.Count;
    var clock = Stopwatch.StartNew();
    StreamWriter? rss = rssCsv == null ? null : new StreamWriter(rssCsv) { AutoFlush = true };
    rss?.WriteLine("seconds,rss_mib,captured,detected,skipped_stale,mjpeg_mib");
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(rss == null ? 1 : 10));
        rss?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clock.Elapsed.TotalSeconds:0},{Environment.WorkingSet / 1048576.0:0.0},{runtime.Metrics.Captured.Count},{runtime.Metrics.Detected.Count},{runtime.Metrics.SkippedStale},{mjpegBytes / 1048576.0:0.0}"));
    }
    long frames = runtime.Metrics.Detected.Count - detected0;
    double fps = frames / clock.Elapsed.TotalSeconds;
    var lat = runtime.Metrics.CaptureToResultSeconds.Snapshot();
    var inf = runtime.Metrics.InferenceSeconds.Snapshot();
    double detectMs = (inf.Sum - inf0.Sum) / Math.Max(1, inf.Count - inf0.Count) * 1000;
    stop.Cancel();
    await viewer;
    rss?.Dispose();
    await app.StopAsync();
    await app.DisposeAsync();
    return (fps, Quantile(lat0, lat, 0.5), Quantile(lat0, lat, 0.95), detectMs, frames);
}

// Bucket upper bound below which the given share of observations since the baseline fell.
static double Quantile(ParNetDetect.Service.Metrics.HistogramSnapshot before, ParNetDetect.Service.Metrics.HistogramSnapshot after, double q)
{
    long total = after.Count - before.Count;
    for (int i = 0; i < after.Bounds.Length; i++)
        if (after.CumulativeCounts[i] - before.CumulativeCounts[i] >= q * total) return after.Bounds[i];
    return double.PositiveInfinity;
}

// The detector call (letterbox, forward, decode, NMS, mapping) and the bare forward pass, timed as interleaved
// pairs on a real frame so the machine's load drifts cancel; medians of the calls and of the per-pair differences.
static (double CallMs, double ForwardMs, double OverheadMs) DetectorSplit(Detector detector, string video, int pairs)
{
    using var capture = new VideoCapture(video);
    using var frame = new Mat();
    for (int i = 0; i < 30 && capture.Read(frame); i++) { } // a frame with shapes well inside
    using var x = rand(1, 3, detector.ImageSize, detector.ImageSize);
    var options = new DetectOptions { ConfidenceThreshold = 0.125f };
    var call = new List<double>();
    var forward = new List<double>();
    var diff = new List<double>();
    for (int i = 0; i < pairs + 3; i++)
    {
        var sw = Stopwatch.StartNew();
        detector.Detect(frame, options);
        double a = sw.Elapsed.TotalMilliseconds;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            sw.Restart();
            detector.Backend.Predict(x);
        }
        double b = sw.Elapsed.TotalMilliseconds;
        if (i < 3) continue;
        call.Add(a);
        forward.Add(b);
        diff.Add(a - b);
    }
    static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
    return (Median(call), Median(forward), Math.Max(0, Median(diff)));
}

// Would batching the frames of two cameras into one forward pass beat two single passes? Interleaved, medians.
static (double TwoSingleMs, double OneBatchMs) BatchOfTwo(Detector detector, string video, int rounds)
{
    using var capture = new VideoCapture(video);
    using var a = new Mat();
    using var b = new Mat();
    capture.Read(a);
    for (int i = 0; i < 10; i++) capture.Read(b);
    var single = new List<double>();
    var batched = new List<double>();
    for (int i = 0; i < rounds + 2; i++)
    {
        var sw = Stopwatch.StartNew();
        detector.Detect(a);
        detector.Detect(b);
        double s = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        detector.Detect([a, b]);
        double t = sw.Elapsed.TotalMilliseconds;
        if (i < 2) continue;
        single.Add(s);
        batched.Add(t);
    }
    single.Sort();
    batched.Sort();
    return (single[single.Count / 2], batched[batched.Count / 2]);
}

// One frame of the video, repeated for 4 s at 25 fps: a scene where nothing moves.
static string StillVideo(string video)
{
    string path = Path.Combine(Path.GetTempPath(), $"service-bench-still-{Environment.ProcessId}.avi");
    using var capture = new VideoCapture(video);
    using var frame = new Mat();
    capture.Read(frame);
    using var writer = new VideoWriter(path, FourCC.MJPG, 25, frame.Size());
    for (int i = 0; i < 100; i++) writer.Write(frame);
    return path;
}

// As the service loads it: the given backend, inference threads that do not spin.
static Detector LoadDetector(string weights, BackendKind backend)
{
    var options = new BackendOptions { Kind = backend, ThreadsSpin = false };
    if (!weights.StartsWith("random:", StringComparison.Ordinal)) return Detector.Load(weights, options);
    // Untrained weights of the given variant: the same compute as a trained model, for speed numbers only.
    string[] parts = weights.Split(':');
    string path = Path.Combine(Path.GetTempPath(), $"service-bench-{parts[1]}-{parts[2]}.ckpt");
    using (var model = YoloDetector.Create(parts[1], 6))
    {
        var ckpt = new Checkpoint(new CheckpointInfo
        {
            Model = parts[1], ClassNames = ["circle", "square", "triangle", "star", "cross", "hexagon"],
            CategoryIds = [1, 2, 3, 4, 5, 6], ImageSize = int.Parse(parts[2], CultureInfo.InvariantCulture),
        });
        ckpt.PutModule(Checkpoint.ModelSection, model);
        ckpt.Save(path);
    }
    return Detector.Load(path, options);
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var d = new Dictionary<string, string>();
    for (int i = 1; i + 1 < args.Length; i += 2) d[args[i].TrimStart('-')] = args[i + 1];
    return d;
}

/// <summary>The host disposes its detector at stop; the bench reuses one across runs.</summary>
sealed class NonOwning(IObjectDetector inner) : IObjectDetector
{
    public IReadOnlyList<string> ClassNames => inner.ClassNames;
    public IReadOnlyList<float> ScoreThresholds => inner.ScoreThresholds;
    public IReadOnlyList<Detection> Detect(Mat bgr, float minScore) => inner.Detect(bgr, minScore);
    public void Dispose() { }
}
