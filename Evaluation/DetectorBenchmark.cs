using System.Diagnostics;
using CocoEval;
using OpenCvSharp;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using ParNetDetect.Imaging;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Inference.Export;
using ParNetDetect.Onnx.Quantization;
using ParNetDetect.Platform;

namespace ParNetDetect.Evaluation;

/// <summary>The runtimes `detect benchmark` compares.</summary>
public enum BenchmarkBackend
{
    Torch,
    Onnx,
    OnnxInt8,
}

/// <summary>What `detect benchmark` measures.</summary>
public sealed record DetectorBenchmarkOptions
{
    public required string Weights { get; init; }
    public IReadOnlyList<int> ImageSizes { get; init; } = [320];
    public IReadOnlyList<BenchmarkBackend> Backends { get; init; } = [BenchmarkBackend.Torch, BenchmarkBackend.Onnx];

    /// <summary>A dataset: its first image is timed, its split is evaluated, its train split calibrates int8. Null: a
    /// generated frame is timed and nothing is evaluated.</summary>
    public string? Data { get; init; }
    public string Split { get; init; } = "val";
    public string CalibrationSplit { get; init; } = "train";
    public int CalibrationImages { get; init; } = 64;
    public int WarmupRuns { get; init; } = 5;
    public int TimedRuns { get; init; } = 50;
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);
}

/// <summary>One backend at one size: latency of the whole detector call and, with data, its accuracy.</summary>
public sealed record BenchmarkRow(string Backend, int Img, int Batch, double MsMedian, double MsP90, double Fps, double? Map50_95, double? Map50);

/// <summary>
/// Ultralytics-style benchmark of the detector call users make (letterbox, forward, decode, NMS), batch 1, for each
/// backend and size. Backends run interleaved, one call each in turn, so a noisy machine slows all alike; their
/// thread pools (libtorch's OpenMP, ONNX Runtime's) sleep when idle, as in the service, or each would spin on the
/// cores the other is about to use.
/// </summary>
public static class DetectorBenchmark
{
    public static IReadOnlyList<BenchmarkRow> Run(DetectorBenchmarkOptions options, TextWriter log)
    {
        TorchRuntime.Initialize(wait: OpenMpWait.Passive);
        string weights = Detector.ResolveWeights(options.Weights);
        IDetectionDataset? dataset = options.Data is null ? null : DetectionDatasets.Open(options.Data, options.Split);
        var rows = new List<BenchmarkRow>();
        foreach (int size in options.ImageSizes)
        {
            var detectors = options.Backends.Select(b => (Backend: b, Detector: Open(weights, b, size, options))).ToList();
            try
            {
                if (dataset is not null) CheckClasses(dataset, detectors[0].Detector);
                using var frame = dataset is null ? GeneratedFrame() : ImageDecoder.TryDecode(dataset[0].FilePath)
                    ?? throw new InvalidDataException($"{dataset[0].FilePath}: not a readable image.");
                var times = Time(detectors.Select(d => d.Detector).ToList(), frame, options);
                for (int i = 0; i < detectors.Count; i++)
                {
                    var (map, map50) = dataset is null ? (null, null) : Accuracy(detectors[i].Detector, dataset, size, options);
                    double median = Percentile(times[i], 0.5);
                    var row = new BenchmarkRow(Name(detectors[i].Backend), size, 1, median, Percentile(times[i], 0.9), 1000 / median, map, map50);
                    rows.Add(row);
                    log.WriteLine($"{row.Backend} at {size}: {row.MsMedian:F1} ms median, {row.MsP90:F1} ms p90" +
                                  (map is null ? "" : $", mAP50-95 {map:F3}, mAP50 {map50:F3}"));
                }
            }
            finally
            {
                foreach (var (_, detector) in detectors) detector.Dispose();
            }
        }
        return rows;
    }

    public static string Name(BenchmarkBackend backend) => backend switch
    {
        BenchmarkBackend.Torch => "torch",
        BenchmarkBackend.Onnx => "onnx",
        BenchmarkBackend.OnnxInt8 => "onnx-int8",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    /// <summary>A backend's detector letterboxing to <paramref name="size"/>; ONNX graphs are exported at that size.</summary>
    static Detector Open(string weights, BenchmarkBackend backend, int size, DetectorBenchmarkOptions options)
    {
        if (DetectorBackends.IsOnnxFile(weights))
            return backend == BenchmarkBackend.Onnx
                ? new Detector(OnnxRuntimeBackend.Load(weights, Settings), size)
                : throw new ArgumentException($"{weights} is an ONNX graph: benchmark it with --backends onnx (export a checkpoint for the others).");
        var torch = TorchDetectorBackend.Load(weights);
        if (backend == BenchmarkBackend.Torch) return new Detector(torch, size);
        using (torch)
        {
            var settings = new ExportSettings { ImageSize = size, Int8 = backend == BenchmarkBackend.OnnxInt8 ? new Int8Options() : null };
            var export = DetectorExport.Export(torch, settings, settings.Int8 is null ? [] : CalibrationImages(options));
            return new Detector(OnnxRuntimeBackend.FromExport(export, weights, Settings), size);
        }
    }

    static readonly OnnxRuntimeSettings Settings = new() { ThreadsSpin = false };

    static IReadOnlyList<string> CalibrationImages(DetectorBenchmarkOptions options)
    {
        if (options.Data is null) throw new ArgumentException("onnx-int8 needs --data: its images calibrate the activations.");
        var split = DetectionDatasets.Open(options.Data, options.CalibrationSplit);
        int n = Math.Min(options.CalibrationImages, split.Count);
        return [.. Enumerable.Range(0, n).Select(i => split[(int)((long)i * split.Count / n)].FilePath)];
    }

    /// <summary>Milliseconds per call, per detector: warm-up first, then every detector once per round.</summary>
    static List<double>[] Time(IReadOnlyList<Detector> detectors, Mat frame, DetectorBenchmarkOptions options)
    {
        foreach (var detector in detectors)
            for (int i = 0; i < options.WarmupRuns; i++) detector.Detect(frame);
        var times = detectors.Select(_ => new List<double>(options.TimedRuns)).ToArray();
        var watch = new Stopwatch();
        for (int round = 0; round < options.TimedRuns; round++)
            for (int i = 0; i < detectors.Count; i++)
            {
                watch.Restart();
                detectors[i].Detect(frame);
                times[i].Add(watch.Elapsed.TotalMilliseconds);
            }
        return times;
    }

    static (double?, double?) Accuracy(Detector detector, IDetectionDataset dataset, int size, DetectorBenchmarkOptions options)
    {
        var validator = new Validator(dataset, size, batchSize: 1, options.Workers);
        var pass = validator.Detect(detector.Backend, DetectOptions.Evaluation);
        var stats = validator.Evaluate(pass.Detections).Stats;
        return (stats[0], stats[1]);
    }

    static void CheckClasses(IDetectionDataset dataset, Detector detector)
    {
        if (!dataset.ClassNames.SequenceEqual(detector.ClassNames))
            throw new InvalidDataException($"{dataset.Source} has other classes than {detector.Source} was trained on.");
    }

    /// <summary>A 640x480 synthetic scene (seeded), when no dataset is given.</summary>
    static Mat GeneratedFrame()
    {
        using var scene = Scene.Generate(640, 480, new Random(1), 4, 4);
        var frame = new Mat();
        scene.Render(frame);
        return frame;
    }

    static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
