using System.Globalization;
using System.Text.Json.Nodes;
using CocoEval;
using ParNetDetect.Data;
using ParNetDetect.FileSafety;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Backends;

namespace ParNetDetect.Evaluation;

/// <summary>
/// `detect val`'s work: a detector over a dataset split (or one shard of it), or the merged shard files, evaluated
/// with coco-eval; prints pycocotools' summary and the per-class table to the log, writes the detections and the
/// metrics. Outputs are checked before any work (nothing the user had is lost), and the dataset's classes must be
/// the detector's.
/// </summary>
public static class BatchEvaluation
{
    /// <summary>Evaluates <paramref name="weights"/> ("demo" for the bundled model) on the dataset.</summary>
    public static void Run(BatchEvaluationOptions options, string weights, BackendOptions backend, TextWriter log, bool interactive)
    {
        if (options.Shard is not null && options.SaveJson is null)
            throw new ArgumentException("a shard's detections need a file to go to (--save-json).");
        if (options.Calibrate && options.Shard is not null)
            throw new ArgumentException("calibrating needs the whole split, not a shard.");
        if (options.Calibrate) ThresholdCalibration.CheckWritable(weights);
        IDetectionDataset full = DetectionDatasets.Open(options.Data, options.Split);
        CheckOutputs(new OutputGuard(options.Force, [.. full.Files, Detector.ResolveWeights(weights)]), options);
        using var detector = Detector.Load(weights, backend, options.ImageSize);
        if (!full.ClassNames.SequenceEqual(detector.ClassNames))
            throw new InvalidDataException(
                $"{options.Data} (split {options.Split}) has {full.ClassNames.Count} classes [{string.Join(", ", full.ClassNames.Take(6))}...] but " +
                $"{detector.Source} was trained on {detector.ClassNames.Count} [{string.Join(", ", detector.ClassNames.Take(6))}...].");
        IDetectionDataset dataset = full;
        if (options.Shard is { } sh)
        {
            dataset = new DatasetShard(full, sh.Shard, options.BatchSize);
            if (dataset.Count == 0)
            {
                // More tasks than whole batches: an empty part, so the merge still finds one from every task.
                CocoResultsFile.Save(options.SaveJson!, []);
                log.WriteLine($"shard {sh.Shard} ({sh.Origin}): no whole batch of {options.BatchSize} falls to it; wrote an empty {options.SaveJson}.");
                return;
            }
        }
        int size = detector.ImageSize;
        var detect = options.Detect;
        log.WriteLine($"{detector.Info.Model} ({detector.Source}) on {dataset.Source}: {dataset.Count} images at {size} px, " +
                      $"conf {detect.ConfidenceThreshold}, IoU {detect.IouThreshold}, max {detect.MaxDetections} per image");

        var validator = new Validator(dataset, size, options.BatchSize, options.Workers, options.Strict);
        var pass = validator.Detect(detector.Backend, detect, (done, total) =>
        {
            if (interactive || done == total) log.Write($"\r  {done}/{total} batches");
        });
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\r  {pass.Images} images, {pass.Detections.Count} detections in {pass.Seconds:F1} s ({pass.Images / Math.Max(pass.Seconds, 1e-9):F1} img/s)"));
        ShowIssues(pass.Issues, log);
        if (options.Shard is { } part)
        {
            CocoResultsFile.Save(options.SaveJson!, pass.Detections);
            log.WriteLine($"shard {part.Shard} ({part.Origin}): wrote {options.SaveJson}; evaluate the parts together with --merge.");
            return;
        }
        var result = validator.Evaluate(pass.Detections);
        Report(result, pass.Detections, pass.Issues, options,
            new() { ["data"] = options.Data, ["split"] = options.Split, ["weights"] = detector.Source, ["img"] = size.ToString(CultureInfo.InvariantCulture) },
            pass.Seconds, log);
        if (options.Calibrate)
        {
            var thresholds = ThresholdCalibration.From(result, detector.ClassNames.Count, c => full.Categories.ToCategoryId(c), size);
            var calibrated = ThresholdCalibration.Write(detector.Source, thresholds);
            log.WriteLine($"calibrated: wrote the score thresholds that maximise F1 at IoU 0.50 into {detector.Source}: " +
                          calibrated.DescribeScoreThresholds());
        }
    }

    /// <summary>Evaluates the detections of shard files (in shard order) together, each checked against the whole
    /// split's ground truth (<see cref="ShardedResults"/>).</summary>
    public static void Merge(BatchEvaluationOptions options, IReadOnlyList<string> files, TextWriter log)
    {
        var whole = DetectionDatasets.Open(options.Data, options.Split);
        if (options.Strict) whole.Issues.ThrowIfAny();
        CheckOutputs(new OutputGuard(options.Force, [.. whole.Files, .. files]), options);
        // A part from another dataset is an error: its ids are not this ground truth's.
        var groundTruth = GroundTruthAdapter.From(whole);
        var detections = ShardedResults.Load(whole, groundTruth, files);
        log.WriteLine($"merged {files.Count} files: {detections.Count} detections");
        ShowIssues(whole.Issues, log);
        var result = new CocoEvaluator().Evaluate(groundTruth, detections);
        Report(result, detections, whole.Issues, options,
            new() { ["data"] = options.Data, ["split"] = options.Split, ["merged"] = string.Join(",", files) }, null, log);
    }

    /// <summary>Before any work: the output files may be written (nothing the user had is lost).</summary>
    static void CheckOutputs(OutputGuard outputs, BatchEvaluationOptions options)
    {
        if (options.SaveJson is not null) outputs.File(options.SaveJson, "--save-json");
        if (options.MetricsJson is not null) outputs.File(options.MetricsJson, "--json");
    }

    /// <summary>One line of what was skipped, so a lower mAP from a corrupt image is never silent.</summary>
    static void ShowIssues(DatasetIssues issues, TextWriter log)
    {
        if (issues.Total > 0) log.WriteLine($"data: {issues.Headline()}");
    }

    static void Report(CocoEvalResult result, IReadOnlyList<CocoDetection> detections, DatasetIssues issues,
        BatchEvaluationOptions options, Dictionary<string, string> about, double? seconds, TextWriter log)
    {
        log.Write(result.Summary());
        log.Write(PerClassTable.Format(result));
        if (options.SaveJson is not null)
        {
            CocoResultsFile.Save(options.SaveJson, detections);
            log.WriteLine($"wrote {detections.Count} detections to {options.SaveJson}");
        }
        if (options.MetricsJson is not null)
        {
            CocoEval.MetricsJson.Write(options.MetricsJson, result, about, new Dictionary<string, JsonNode?>
            {
                ["seconds"] = seconds,
                ["data_issues"] = issues.ToJson(),
            });
            log.WriteLine($"wrote metrics to {options.MetricsJson}");
        }
    }
}
