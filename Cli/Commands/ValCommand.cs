using System.CommandLine;
using ParNetDetect.CommandLine;
using ParNetDetect.DetectionHead;
using ParNetDetect.Evaluation;
using ParNetDetect.Sharding;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect val`: batch COCO evaluation of weights over a dataset split, optionally sharded (<see cref="BatchEvaluation"/>).</summary>
public static class ValCommand
{
    public static Command Create(CommandLineApp app)
    {
        var data = VerbOptions.Text("--data", "a COCO instances .json or root, a YOLO data.yaml or a `detect synth` folder", required: true);
        var weights = VerbOptions.Text("--weights", "a checkpoint, an exported .onnx file, or demo for the bundled model (required unless --merge)");
        var split = VerbOptions.Text("--split", "val", "the split to evaluate");
        var img = new ImageSizeChoice();
        var batch = VerbOptions.Int("--batch", 16, "images per forward pass", 1, 1024);
        var backend = new BackendChoice();
        var workers = VerbOptions.Int("--workers", Math.Max(1, Environment.ProcessorCount), "loader threads", 1, 256);
        var conf = VerbOptions.Number("--conf", 0.001, "lowest score kept", 0, 1);
        var iou = VerbOptions.OptionalNumber("--iou", "NMS IoU threshold (default 0.65; 0.45 with --calibrate)", 0, 1);
        var maxDet = VerbOptions.Int("--max-det", 300, "detections kept per image", 1, 100_000);
        var saveJson = VerbOptions.Text("--save-json", "write the detections in COCO results format (the dataset's category ids)");
        var metricsJson = VerbOptions.Text("--json", "write the metrics (the layout of coco-eval --json, plus seconds and data_issues)");
        var shard = VerbOptions.Text("--shard", "i/n: evaluate only the i-th of n parts (needs --save-json); auto: i/n from the scheduler");
        var merge = VerbOptions.Text("--merge", "FILE[,FILE...]: evaluate the parts' --save-json files together");
        var strict = VerbOptions.Flag("--strict", "fail at the first problem in the data (exit 1, naming the file or line)");
        var calibrate = VerbOptions.Flag("--calibrate", "write the score thresholds that maximise F1 (per class and overall) into the checkpoint --weights");
        var force = VerbOptions.Flag("--force", "replace existing output files (never the dataset's, the weights or merged parts)");
        var command = new Command("val", "evaluate weights on a dataset split (COCO metrics), write COCO results JSON; --shard/--merge")
        {
            data, weights, split, img.Option, batch, workers, conf, iou, maxDet, saveJson, metricsJson, shard, merge, strict, calibrate, force,
        };
        foreach (var option in backend.Options) command.Options.Add(option);
        app.SetNotes(command, """
            Prints pycocotools' 12-line summary and the per-class table of coco-eval --per-class, which also gives, per
            class and overall, the score threshold that maximises F1 at IoU 0.50 and the precision and recall there.
            --calibrate writes those thresholds into the checkpoint (only its header changes), and predict then uses
            them unless given --conf; it evaluates with NMS as predict runs it (IoU 0.45, best class per box).
            An exported .onnx file is not calibrated in place: calibrate its checkpoint and export it again.
            --shard i/n evaluates only the i-th of n contiguous parts of equal work (image count and size), cut between
            whole batches (give every part the same --batch and CPUs) so the parts score each image as one process; it needs
            --save-json; --shard auto takes i/n from a Slurm array task or a Kubernetes Indexed Job (docs/cluster.md).
            --merge then evaluates the parts' files, listed in shard order, together (with --data, --split and the output
            options); a missing part is an error naming its shard. An existing output file is only replaced with --force;
            the dataset's files, the weights and the merged parts never are.
            Problems in the data are skipped and summed up in one "data:" line and in the metrics ("data_issues"); an
            image that cannot be read has no detections, so its boxes count as missed. --strict fails at the first
            problem instead.
            """);
        command.SetAction(p =>
        {
            var options = new BatchEvaluationOptions
            {
                Data = p.GetValue(data)!,
                Split = p.GetValue(split)!,
                SaveJson = p.GetValue(saveJson),
                MetricsJson = p.GetValue(metricsJson),
                Force = p.GetValue(force),
                Strict = p.GetValue(strict),
                Calibrate = p.GetValue(calibrate),
            };
            if (p.GetValue(merge) is { } files)
            {
                if (options.Calibrate) throw new UsageException("--calibrate needs --weights and a whole evaluation, not --merge.");
                BatchEvaluation.Merge(options, files.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Console.Out);
                return ExitCodes.Ok;
            }
            string w = p.GetValue(weights) ?? throw new UsageException("--weights is required (or --merge).");
            int? side = img.Read(p);
            try { if (p.GetValue(shard) is { } text) options = options with { Shard = SchedulerShard.Resolve(text) }; }
            catch (ArgumentException e) { throw new UsageException("--shard " + e.Message); }
            if (options.Shard is not null && options.SaveJson is null) throw new UsageException("--shard needs --save-json (merge the parts with --merge).");
            if (options.Shard is not null && options.Calibrate) throw new UsageException("--calibrate needs the whole split, not --shard.");
            try { if (options.Calibrate) ThresholdCalibration.CheckWritable(w); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var detect = options.Calibrate ? ThresholdCalibration.Detect : DetectOptions.Evaluation;
            options = options with
            {
                ImageSize = side,
                BatchSize = p.GetValue(batch),
                Workers = p.GetValue(workers),
                Detect = detect with
                {
                    ConfidenceThreshold = (float)p.GetValue(conf),
                    IouThreshold = (float)(p.GetValue(iou) ?? detect.IouThreshold),
                    MaxDetections = p.GetValue(maxDet),
                },
            };
            BatchEvaluation.Run(options, w, backend.Read(p), Console.Out, !Console.IsOutputRedirected);
            return ExitCodes.Ok;
        });
        return command;
    }
}
