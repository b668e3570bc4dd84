using System.Globalization;
using System.Text;
using System.Text.Json;
using CocoEval;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using ParNetDetect.FileSafety;
using ParNetDetect.Sharding;
using ParNetDetect.Training.Validation;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect val`: batch COCO evaluation of a checkpoint over a dataset split, optionally sharded.</summary>
public sealed class ValCommand : IVerb
{
    public string Name => "val";
    public string Summary => "evaluate weights on a dataset split (COCO metrics), write COCO results JSON; --shard/--merge";
    public string Usage =>
        """
        usage: detect val --data D --weights W|demo [--split val] [--img S] [--batch 16] [--device cpu|cuda] [--workers N]
                          [--conf 0.001] [--iou 0.65] [--max-det 300] [--save-json FILE] [--json METRICS] [--shard i/n|auto]
                          [--strict] [--force]
               detect val --data D --merge FILE[,FILE...] [--split val] [--save-json FILE] [--json METRICS] [--strict]
                          [--force]

        Prints pycocotools' 12-line summary and a per-class table. --save-json writes detections in COCO results
        format with the dataset's category ids; --json writes the metrics ({"stats": [12 numbers], ...}).
        --shard i/n evaluates only the i-th of n contiguous parts of equal work (image count and size) and needs
        --save-json; --shard auto takes i/n from a Slurm array task or a Kubernetes Indexed Job (docs/cluster.md).
        --merge then evaluates the parts' files, listed in shard order, together; a missing part is an error
        naming its shard. --img defaults to the size the weights were trained at. An existing output file is
        only replaced with --force; the dataset's files, the weights and the merged parts never are.
        Problems in the data are skipped and summed up in one "data:" line and in the metrics ("data_issues"); an
        image that cannot be read has no detections, so its boxes count as missed. --strict fails at the first
        problem instead (exit 1, naming the file or line).
        """;

    public int Run(CommandLine args)
    {
        string data = args.Required("data");
        string split = args.String("split", "val");
        string? merge = args.String("merge");
        string? saveJson = args.String("save-json");
        string? metricsJson = args.String("json");
        bool force = args.Flag("force");
        bool strict = args.Flag("strict");
        if (merge is not null)
        {
            args.EnsureAllUsed();
            var whole = DetectionDatasets.Open(data, split);
            if (strict) whole.Issues.ThrowIfAny();
            var files = merge.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            CheckOutputs(new OutputGuard(force, [.. whole.Files, .. files]), saveJson, metricsJson);
            // Each part is checked against the whole split's ground truth: a part from another dataset is an error.
            var groundTruth = GroundTruthAdapter.From(whole);
            var detections = ShardedResults.Load(whole, groundTruth, files);
            Console.WriteLine($"merged {files.Length} files: {detections.Count} detections");
            ShowIssues(whole.Issues);
            var result = new CocoEvaluator().Evaluate(groundTruth, detections);
            return Report(result, detections, whole, whole.Issues, saveJson, metricsJson,
                new() { ["data"] = data, ["split"] = split, ["merged"] = string.Join(",", files) }, null);
        }

        string weights = args.Required("weights");
        string device = args.String("device", "cpu");
        int? img = args.Has("img") ? args.Int("img", 640, 32, 4096) : null;
        int batch = args.Int("batch", 16, 1, 1024);
        int workers = args.Int("workers", Math.Max(1, Environment.ProcessorCount), 1, 256);
        var options = DetectOptions.Evaluation with
        {
            ConfidenceThreshold = (float)args.Double("conf", 0.001, 0, 1),
            IouThreshold = (float)args.Double("iou", 0.65, 0, 1),
            MaxDetections = args.Int("max-det", 300, 1, 100_000),
        };
        string? shardText = args.String("shard");
        args.EnsureAllUsed();
        if (img is { } s && s % 32 != 0) throw new UsageException($"--img must be a multiple of 32 (got {s}).");
        ShardChoice? shard = null;
        try { if (shardText is not null) shard = SchedulerShard.Resolve(shardText); }
        catch (ArgumentException e) { throw new UsageException("--shard " + e.Message); }
        if (shard is not null && saveJson is null) throw new UsageException("--shard needs --save-json (merge the parts with --merge).");

        IDetectionDataset full = DetectionDatasets.Open(data, split);
        CheckOutputs(new OutputGuard(force, [.. full.Files, Detector.ResolveWeights(weights)]), saveJson, metricsJson);
        using var detector = Detector.Load(weights, device);
        if (!full.ClassNames.SequenceEqual(detector.ClassNames))
            throw new InvalidDataException(
                $"{data} (split {split}) has {full.ClassNames.Count} classes [{string.Join(", ", full.ClassNames.Take(6))}...] but " +
                $"{detector.Source} was trained on {detector.ClassNames.Count} [{string.Join(", ", detector.ClassNames.Take(6))}...].");
        IDetectionDataset dataset = shard is not null ? new DatasetShard(full, shard.Shard) : full;
        int size = img ?? detector.ImageSize;
        Console.WriteLine($"{detector.Info.Model} ({detector.Source}) on {dataset.Source}: {dataset.Count} images at {size} px, " +
                          $"conf {options.ConfidenceThreshold}, IoU {options.IouThreshold}, max {options.MaxDetections} per image");

        var validator = new Validator(dataset, size, batch, workers, strict);
        bool interactive = !Console.IsOutputRedirected;
        var pass = validator.Detect(x => detector.Model.Predict(x.to(detector.Device)), options, (done, total) =>
        {
            if (interactive || done == total) Console.Write($"\r  {done}/{total} batches");
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\r  {pass.Images} images, {pass.Detections.Count} detections in {pass.Seconds:F1} s ({pass.Images / Math.Max(pass.Seconds, 1e-9):F1} img/s)"));
        ShowIssues(pass.Issues);
        if (shard is { } part)
        {
            CocoResultsFile.Save(saveJson!, pass.Detections);
            Console.WriteLine($"shard {part.Shard} ({part.Origin}): wrote {saveJson}; evaluate the parts together with --merge.");
            return 0;
        }
        return Report(validator.Evaluate(pass.Detections), pass.Detections, full, pass.Issues, saveJson, metricsJson,
            new() { ["data"] = data, ["split"] = split, ["weights"] = detector.Source, ["img"] = size.ToString(CultureInfo.InvariantCulture) },
            pass.Seconds);
    }

    /// <summary>Before any work: the output files may be written (nothing the user had is lost).</summary>
    static void CheckOutputs(OutputGuard outputs, string? saveJson, string? metricsJson)
    {
        if (saveJson is not null) outputs.File(saveJson, "--save-json");
        if (metricsJson is not null) outputs.File(metricsJson, "--json");
    }

    /// <summary>One line of what was skipped, so a lower mAP from a corrupt image is never silent.</summary>
    static void ShowIssues(DatasetIssues issues)
    {
        if (issues.Total > 0) Console.WriteLine($"data: {issues.Headline()}");
    }

    static int Report(CocoEvalResult result, IReadOnlyList<CocoDetection> detections, IDetectionDataset dataset,
        DatasetIssues issues, string? saveJson, string? metricsJson, Dictionary<string, string> about, double? seconds)
    {
        Console.Write(result.Summary());
        Console.Write(PerClass(result));
        if (saveJson is not null)
        {
            CocoResultsFile.Save(saveJson, detections);
            Console.WriteLine($"wrote {detections.Count} detections to {saveJson}");
        }
        if (metricsJson is not null)
        {
            var metrics = new
            {
                stats = result.Stats,
                stat_names = CocoEvalResult.StatNames,
                map50_95 = result.Stats[0],
                map50 = result.Stats[1],
                images = dataset.Count,
                detections = detections.Count,
                seconds,
                about,
                data_issues = issues.ToJson(),
                per_class = result.Categories.Select(c => new
                {
                    id = c.Id, name = c.Name, ap = c.AP, ap50 = c.AP50, ap75 = c.AP75, ar = c.AR, gt = c.GtCount, detections = c.DetectionCount,
                }),
            };
            string full = Path.GetFullPath(metricsJson);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote metrics to {metricsJson}");
        }
        return 0;
    }

    /// <summary>Per category: AP50-95, AP50, GT boxes and detections; "-" where a class has no ground truth.</summary>
    static string PerClass(CocoEvalResult result)
    {
        int width = Math.Max(5, result.Categories.Select(c => c.Name.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder($"\n{"class".PadRight(width)}  {"AP50-95",7}  {"AP50",6}  {"GT",6}  {"dets",7}\n");
        foreach (var c in result.Categories)
            text.Append(CultureInfo.InvariantCulture,
                $"{c.Name.PadRight(width)}  {Score(c.AP),7}  {Score(c.AP50),6}  {c.GtCount,6}  {c.DetectionCount,7}\n");
        return text.ToString();

        static string Score(double v) => v < 0 ? "-" : v.ToString("F3", CultureInfo.InvariantCulture);
    }
}
