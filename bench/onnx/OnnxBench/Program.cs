using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using ParNetDetect.Backbone.Weights;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference;
using ParNetDetect.Onnx;
using ParNetDetect.Onnx.Quantization;
using ParNetDetect.Platform;
using static TorchSharp.torch;

// onnx-bench: the files and timings of bench/onnx/run.sh.
//   export DIR [--model parnet-n-yolo] [--weights demo|CKPT|random] [--img 320] [--calib 32]
//       DIR/weights.pt (unfused, bench/detector/yolo_reference.py's names), DIR/ours-fp32.onnx, DIR/ours-int8.onnx,
//       DIR/model.json (what torch_export.py builds)
//   run DIR [--iters 50] [--warmup 5] [--threads 2]
//       every DIR/*.onnx in ONNX Runtime, interleaved round-robin (a noisy machine slows all alike): median and p90
//       latency, node counts of the file and of the graph ONNX Runtime runs, output agreement with ours-fp32;
//       DIR/results.json
//   profile DIR [--file ours-fp32] [--iters 20] [--threads 2]
//       one file under ONNX Runtime's profiler: time per operator type (sum over the timed runs, share of the total)
//       and the slowest nodes; DIR/<file>.profile.json is the raw trace
var opts = ParseOptions(args.Skip(2));
if (args.Length < 2) { Console.Error.WriteLine("usage: onnx-bench export|run|profile DIR [--option value ...]"); return 2; }
string dir = args[1];
Directory.CreateDirectory(dir);
switch (args[0])
{
    case "export": Export(); break;
    case "run": Run(); break;
    case "profile": Profile(); break;
    default: Console.Error.WriteLine("usage: onnx-bench export|run|profile DIR [--option value ...]"); return 2;
}
return 0;

void Export()
{
    TorchRuntime.Initialize(threads: 2);
    string weights = opts.GetValueOrDefault("weights", "demo");
    int size = Int("img", 320), calibrationImages = Int("calib", 32);
    YoloDetector model;
    CheckpointInfo info;
    if (weights == "random")
    {
        string name = opts.GetValueOrDefault("model", "parnet-n-yolo");
        manual_seed(1);
        model = YoloDetector.Create(name, 80);
        model.eval();
        info = new CheckpointInfo
        {
            Model = name, ClassNames = [.. Enumerable.Range(0, 80).Select(i => $"class{i}")],
            CategoryIds = [.. Enumerable.Range(0, 80)], ImageSize = size,
        };
    }
    else
    {
        string path = Detector.ResolveWeights(weights);
        var checkpoint = Checkpoint.Load(path);
        model = checkpoint.BuildDetector(path);
        info = checkpoint.Info;
    }
    using (model)
    {
        // Unfused, under the reference's names: the backbone's are the official ParNet keys, the head's drop "head.".
        var state = model.state_dict().ToDictionary(
            kv => kv.Key.StartsWith("backbone.") ? "backbone." + OfficialParNetNames.ToOfficial(kv.Key["backbone.".Length..])
                : kv.Key.StartsWith("head.") ? kv.Key["head.".Length..] : kv.Key,
            kv => kv.Value);
        StateDictFile.Write(Path.Combine(dir, "weights.pt"), state, overwrite: true);
        File.WriteAllText(Path.Combine(dir, "model.json"), JsonSerializer.Serialize(new
        {
            model = model.Variant.Name, classes = model.NumClasses, img = size,
            activation = model.Backbone.Options.Activation.ToString().ToLowerInvariant(),
        }));
        model.Fuse();
        var options = new OnnxExportOptions { ImageSize = size };
        Save(OnnxExporter.Export(model, info, options), "ours-fp32.onnx");
        // Smooth seeded images: int8 speed does not depend on what is calibrated; mAP is measured on real data.
        Save(OnnxExporter.Export(model, info, options with { Int8 = new Int8Options() },
            Enumerable.Range(0, calibrationImages).Select(i => CalibrationImage(size, i))), "ours-int8.onnx");
    }
}

void Save(OnnxExport export, string file)
{
    long bytes = export.Save(Path.Combine(dir, file));
    Console.WriteLine($"{file}: opset {OnnxExporter.Opset}, {export.NodeCount} nodes, {export.ParameterCount:N0} parameters, " +
                      $"{bytes / 1e6:F1} MB");
}

static float[] CalibrationImage(int size, int seed)
{
    using var scope = NewDisposeScope();
    var generator = new Generator((ulong)seed);
    var ys = linspace(0, 8, size).view(1, 1, size, 1);
    var xs = linspace(0, 8, size).view(1, 1, 1, size);
    var phase = rand(1, 3, 1, 1, generator: generator) * 6;
    var image = 0.8 * (((ys + xs * 0.7 + phase).sin() + 1) / 2) + 0.2 * rand(1, 3, size, size, generator: generator);
    return image.contiguous().data<float>().ToArray();
}

void Run()
{
    int iters = Int("iters", 50), warmup = Int("warmup", 5), threads = Int("threads", 2);
    var files = Directory.GetFiles(dir, "*.onnx").Where(f => !f.EndsWith(".optimized.onnx")).OrderBy(f => f).ToList();
    var runs = files.Select(f => new Backend(f, threads)).ToList();
    try
    {
        var reference = runs.FirstOrDefault(r => r.Name == "ours-fp32");
        var input = CalibrationImage(runs[0].Size, 12345);
        foreach (var r in runs) r.Infer(input);
        var referenceOutput = reference?.Infer(input);
        for (int i = 0; i < warmup; i++) foreach (var r in runs) r.Infer(input);
        for (int i = 0; i < iters; i++) foreach (var r in runs) r.Timed(input);
        var results = runs.Select(r =>
        {
            double? diff = referenceOutput is null ? null : r.Infer(input).Zip(referenceOutput).Max(p => Math.Abs(p.First - p.Second));
            return new
            {
                backend = r.Name, img = r.Size, batch = 1, threads, ms_median = r.Percentile(50), ms_p90 = r.Percentile(90),
                fps = 1000 / r.Percentile(50), nodes = r.Nodes, nodes_optimized = r.OptimizedNodes,
                ops = r.Ops, max_abs_diff_vs_ours_fp32 = diff,
            };
        }).ToList();
        Console.WriteLine($"{"file",-16} {"ms median",10} {"ms p90",8} {"nodes",6} {"ORT nodes",10} {"max |diff|",11}");
        foreach (var r in results)
            Console.WriteLine($"{r.backend,-16} {r.ms_median,10:F2} {r.ms_p90,8:F2} {r.nodes,6} {r.nodes_optimized,10} " +
                              $"{r.max_abs_diff_vs_ours_fp32,11:E2}");
        File.WriteAllText(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
    }
    finally
    {
        foreach (var r in runs) r.Dispose();
    }
}

void Profile()
{
    int iters = Int("iters", 20), threads = Int("threads", 2);
    string name = opts.GetValueOrDefault("file", "ours-fp32");
    string path = Path.Combine(dir, name + ".onnx");
    using var options = new SessionOptions
    {
        IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        EnableProfiling = true, ProfileOutputPathPrefix = Path.Combine(dir, name + ".profile"),
    };
    using var session = new InferenceSession(path, options);
    string inputName = session.InputNames[0];
    long[] shape = [.. session.InputMetadata[inputName].Dimensions.Select(d => (long)d)];
    var input = CalibrationImage((int)shape[2], 12345);
    for (int i = 0; i < 5 + iters; i++)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using (session.Run(new RunOptions(), [inputName], [value], session.OutputNames)) { }
    }
    string trace = session.EndProfiling();
    string raw = Path.Combine(dir, name + ".profile.json");
    File.Move(trace, raw, overwrite: true);
    // Node events carry "op_name"; the first 5 runs are warm-up, so only the last iters runs' nodes count.
    var nodes = JsonDocument.Parse(File.ReadAllText(raw)).RootElement.EnumerateArray()
        .Where(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time"))
        .Select(e => (Op: e.GetProperty("args").GetProperty("op_name").GetString()!, Name: e.GetProperty("name").GetString()!,
            Us: e.GetProperty("dur").GetDouble()))
        .ToList();
    int perRun = nodes.Count / (5 + iters);
    var timed = nodes.Skip(5 * perRun).ToList();
    double total = timed.Sum(n => n.Us);
    Console.WriteLine($"{name}: {perRun} kernels per run, {total / iters / 1000:F2} ms of kernels per run");
    foreach (var g in timed.GroupBy(n => n.Op).OrderByDescending(g => g.Sum(n => n.Us)))
        Console.WriteLine($"  {g.Key,-24} {g.Count() / iters,4} nodes {g.Sum(n => n.Us) / iters / 1000,8:F2} ms {100 * g.Sum(n => n.Us) / total,5:F1}%");
    Console.WriteLine("  slowest nodes:");
    foreach (var g in timed.GroupBy(n => n.Name).OrderByDescending(g => g.Sum(n => n.Us)).Take(12))
        Console.WriteLine($"    {g.Key,-60} {g.Sum(n => n.Us) / iters / 1000,7:F2} ms");
}

int Int(string key, int fallback) => int.Parse(opts.GetValueOrDefault(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

static Dictionary<string, string> ParseOptions(IEnumerable<string> rest)
{
    var result = new Dictionary<string, string>();
    var list = rest.ToList();
    for (int i = 0; i + 1 < list.Count; i += 2) result[list[i].TrimStart('-')] = list[i + 1];
    return result;
}

/// <summary>One .onnx file in an ONNX Runtime session (all graph optimizations, sequential, the given threads).</summary>
sealed class Backend : IDisposable
{
    readonly InferenceSession session;
    readonly SessionOptions options;
    readonly RunOptions runOptions = new();
    readonly string inputName, outputName;
    readonly long[] shape;
    readonly List<double> times = [];

    public Backend(string path, int threads)
    {
        Name = Path.GetFileNameWithoutExtension(path);
        string optimized = Path.ChangeExtension(path, ".optimized.onnx");
        options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // The graph as ONNX Runtime runs it (layout and fusions applied), for its node count.
        using (var dump = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            OptimizedModelFilePath = optimized, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR
        })
        using (new InferenceSession(path, dump)) { }
        var file = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Nodes = file.Graph.Node.Count;
        Ops = file.Graph.Node.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
        OptimizedNodes = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node.Count;
        session = new InferenceSession(path, options);
        inputName = session.InputNames[0];
        outputName = session.OutputNames[0];
        shape = session.InputMetadata[inputName].Dimensions.Select(d => (long)d).ToArray();
        Size = (int)shape[2];
    }

    public string Name { get; }
    public int Size { get; }
    public int Nodes { get; }
    public int OptimizedNodes { get; }
    public Dictionary<string, int> Ops { get; }

    public float[] Infer(float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var results = session.Run(runOptions, [inputName], [value], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Timed(float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        var watch = Stopwatch.StartNew();
        using (session.Run(runOptions, [inputName], [value], [outputName])) { }
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    public double Percentile(int p)
    {
        var sorted = times.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }

    public void Dispose()
    {
        session.Dispose();
        options.Dispose();
        runOptions.Dispose();
    }
}
