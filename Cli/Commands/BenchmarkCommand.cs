using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ParNetDetect.CommandLine;
using ParNetDetect.Evaluation;
using ParNetDetect.FileSafety;
using ParNetDetect.Inference;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect benchmark`: latency (and with --data, accuracy) of the detector per backend and input size.</summary>
public static class BenchmarkCommand
{
    public static Command Create(CommandLineApp app)
    {
        var weights = VerbOptions.Text("--weights", "a checkpoint, an exported .onnx file, or demo for the bundled model", required: true);
        var img = VerbOptions.Text("--img", "320", "input sides, comma-separated multiples of 32");
        var backends = VerbOptions.Text("--backends", "torch,onnx", "comma-separated: torch, onnx, onnx-int8");
        var data = VerbOptions.Text("--data", "a dataset: its first image is timed, its --split evaluated, its train split calibrates int8");
        var split = VerbOptions.Text("--split", "val", "the split to evaluate");
        var runs = VerbOptions.Int("--runs", 50, "timed calls per backend and size (after 5 warm-up calls)", 1, 100_000);
        var json = VerbOptions.Text("--json", "write the results as a JSON list");
        var force = VerbOptions.Flag("--force", "replace an existing --json file");
        var command = new Command("benchmark", "latency and accuracy of the detector per backend (torch, onnx, onnx-int8) and size")
        {
            weights, img, backends, data, split, runs, json, force,
        };
        app.SetNotes(command, """
            Times the whole detector call (letterbox, forward, decode, NMS) on one image, batch 1, every backend in turn
            so a busy machine slows all alike: median and p90 milliseconds and frames per second. With --data, also
            mAP50-95 and mAP50 on its split. The JSON is a list of objects with backend, img, batch, ms_median, ms_p90,
            fps, map50_95 and map50 (null when not measured).
            """);
        command.SetAction(p =>
        {
            var options = new DetectorBenchmarkOptions
            {
                Weights = p.GetValue(weights)!,
                ImageSizes = Sizes(p.GetValue(img)!),
                Backends = Backends(p.GetValue(backends)!),
                Data = p.GetValue(data),
                Split = p.GetValue(split)!,
                TimedRuns = p.GetValue(runs),
            };
            if (options.Backends.Contains(BenchmarkBackend.OnnxInt8) && options.Data is null)
                throw new UsageException("--backends onnx-int8 needs --data: its train split calibrates the activations.");
            string? jsonFile = p.GetValue(json);
            if (jsonFile is not null) new OutputGuard(p.GetValue(force), [Detector.ResolveWeights(options.Weights)]).File(jsonFile, "--json");
            var rows = DetectorBenchmark.Run(options, Console.Error);
            Console.Write(Table(rows));
            if (jsonFile is not null) File.WriteAllText(jsonFile, JsonSerializer.Serialize(rows, JsonOptions) + "\n");
            return ExitCodes.Ok;
        });
        return command;
    }

    static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    static int[] Sizes(string text) => [.. text.Split(',', StringSplitOptions.TrimEntries).Select(s =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size >= 32 && size % 32 == 0 ? size
            : throw new UsageException($"--img takes multiples of 32 separated by commas (got '{s}')."))];

    static BenchmarkBackend[] Backends(string text) => [.. text.Split(',', StringSplitOptions.TrimEntries).Select(b => b switch
    {
        "torch" => BenchmarkBackend.Torch,
        "onnx" => BenchmarkBackend.Onnx,
        "onnx-int8" => BenchmarkBackend.OnnxInt8,
        _ => throw new UsageException($"--backends takes torch, onnx and onnx-int8 (got '{b}')."),
    })];

    static string Table(IReadOnlyList<BenchmarkRow> rows)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("backend    img  batch  ms median  ms p90     fps  mAP50-95  mAP50");
        foreach (var r in rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Backend,-9} {r.Img,4} {r.Batch,6} {r.MsMedian,10:F1} {r.MsP90,7:F1} {r.Fps,7:F1} {Score(r.Map50_95),9} {Score(r.Map50),6}"));
        return text.ToString();
    }

    static string Score(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";
}
