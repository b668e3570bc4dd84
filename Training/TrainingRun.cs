using System.Diagnostics;
using System.Globalization;
using ParNetDetect.Backbone;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using ParNetDetect.Evaluation;
using ParNetDetect.FileSafety;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Training;

/// <summary>The loss became NaN or infinite; the message names the batch and the checkpoint left behind.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>How a run ended: all epochs done, or stopped early (Ctrl-C, SIGTERM) with a resumable last.ckpt.</summary>
public sealed record TrainOutcome(bool Completed, int EpochsDone, string RunDir, double BestFitness, int BestEpoch, EpochResult? Last);

/// <summary>
/// One training run: SGD (Nesterov) on three parameter groups, warm-up and cosine schedule, gradient accumulation to
/// the nominal batch, EMA, validation through coco-eval each epoch, results.csv, and last/best checkpoints written
/// atomically. <see cref="Resume"/> restores weights, EMA, optimizer, schedule position and RNG, and replays the
/// loader's (seeded) order, so a resumed run follows the same path as an uninterrupted one.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    public const string LastFile = "last.ckpt", BestFile = "best.ckpt", DataIssuesFile = "data_issues.json";

    /// <summary>What a run writes into its folder; a new run replaces them all, so two runs' results never mix.</summary>
    public static readonly string[] RunFiles = [LastFile, BestFile, ResultsCsv.FileName, DataIssuesFile, .. RunPlots.Files];

    readonly TextWriter _log;
    readonly bool _interactive;
    readonly IDetectionDataset _train;
    readonly DetectionLoader _loader;
    readonly Validator? _validator;
    readonly YoloDetector _model;
    readonly YoloDetector? _emaModel;
    readonly ModelEma? _ema;
    readonly SGD _optimizer;
    readonly YoloLoss _loss;
    readonly Device _device;
    TrainingState _state;
    int _dataIssuesReported = -1;

    TrainOptions Options => _state.Options;

    /// <summary>The run folder (last.ckpt, best.ckpt, results.csv).</summary>
    public string RunDir { get; }

    TrainingRun(TrainingState state, TextWriter log, bool interactive, Checkpoint? resumeFrom, string? resumeSource, bool force = false)
    {
        _state = state;
        _log = log;
        _interactive = interactive;
        Options.Validate();
        RunDir = Path.GetFullPath(Options.OutDir);
        TorchRuntime.Initialize();
        _device = TorchRuntime.ResolveDevice(Options.Device);
        torch.manual_seed(Options.Seed);

        _train = DetectionDatasets.Open(Options.Data, Options.TrainSplit);
        if (_train.Count == 0) throw new InvalidDataException($"{Options.Data}: split '{Options.TrainSplit}' has no images.");
        // Made here, so --strict refuses a split whose reading skipped something before anything is written.
        _loader = new DetectionLoader(_train, DetectionLoaderOptions.Training(Options.ImageSize, Options.BatchSize, Options.Seed) with
        {
            Workers = Options.Workers,
            DropLast = true,
            Strict = Options.Strict,
            Augmentation = Options.Augment ? AugmentationOptions.Default with { CloseMosaicEpochs = Options.CloseMosaicEpochs } : AugmentationOptions.None,
        });
        if (Options.ValEvery > 0)
        {
            IDetectionDataset val;
            try { val = DetectionDatasets.Open(Options.Data, Options.ValSplit); }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException)
            {
                throw new ArgumentException($"{e.Message} Pass --val-split <split> (e.g. train) or --val-every 0 to train without validation.", e);
            }
            RequireSameClasses(val.ClassNames, _train.ClassNames, $"{Options.Data} split '{Options.ValSplit}'", $"split '{Options.TrainSplit}'");
            _validator = new Validator(val, Options.ImageSize, Options.BatchSize, Options.Workers, Options.Strict);
        }
        if (resumeFrom is null) ClaimRunFolder(force);

        int nc = _train.Categories.Count;
        var activation = Enum.Parse<ParNetActivation>(Options.Activation, ignoreCase: true);
        _model = YoloDetector.Create(Options.Model, nc, activation: activation);
        if (resumeFrom is not null)
        {
            RequireSameClasses(_train.ClassNames, resumeFrom.Info.ClassNames, $"{Options.Data}", $"checkpoint {resumeSource}");
            resumeFrom.LoadInto(TrainingCheckpoint.RawSection, _model, resumeSource!);
        }
        else if (Options.PretrainedBackbone is { } pretrained)
        {
            PretrainedBackbone.Load(_model, pretrained);
        }
        _model.to(_device);
        _model.train();

        if (Options.Ema)
        {
            _emaModel = YoloDetector.Create(Options.Model, nc, activation: activation);
            _emaModel.to(_device);
            _emaModel.eval();
            _ema = new ModelEma(_emaModel, state.EmaUpdates);
            if (resumeFrom is not null) resumeFrom.LoadInto(Checkpoint.ModelSection, _emaModel, resumeSource!);
            else _ema.CopyFrom(_model);
        }

        var groups = ParameterGroups.Of(_model);
        _optimizer = optim.SGD(
        [
            new SGD.ParamGroup(groups.Decay, Options.Lr0, Options.Momentum, 0, Options.EffectiveWeightDecay, nesterov: true),
            new SGD.ParamGroup(groups.NormWeights, Options.Lr0, Options.Momentum, 0, 0, nesterov: true),
            new SGD.ParamGroup(groups.Biases, Options.Lr0, Options.Momentum, 0, 0, nesterov: true),
        ], Options.Lr0, Options.Momentum, nesterov: true);
        if (resumeFrom is not null)
        {
            TrainingCheckpoint.GetOptimizer(resumeFrom, _optimizer, resumeSource!);
            TrainingCheckpoint.RestoreTorchRng(state.TorchRng);
        }
        _loss = new YoloLoss(new TargetAssigner(_model.Anchors), nc);
    }

    /// <summary>A new run. Refuses a run folder that already holds one unless <paramref name="force"/>, and never
    /// replaces a file the run reads (see <see cref="OutputGuard"/>).</summary>
    public static TrainingRun Start(TrainOptions options, TextWriter log, bool interactive, bool force = false) =>
        new(new TrainingState { Options = options }, log, interactive, null, null, force);

    /// <summary>Continues the run saved in a checkpoint (or in a run folder's last.ckpt). <paramref name="adjust"/> may
    /// change what does not alter the trajectory (device, workers).</summary>
    public static TrainingRun Resume(string path, TextWriter log, bool interactive, Func<TrainOptions, TrainOptions>? adjust = null)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, LastFile);
        var checkpoint = Checkpoint.Load(path);
        var state = TrainingCheckpoint.GetState(checkpoint, path);
        if (adjust is not null) state = state with { Options = adjust(state.Options) };
        if (state.Epoch >= state.Options.Epochs)
            throw new ArgumentException($"{path}: the run already finished all {state.Options.Epochs} epochs.");
        return new TrainingRun(state, log, interactive, checkpoint, path);
    }

    /// <summary>Checks every file a new run writes, then removes a previous run's (--force), before any work.</summary>
    void ClaimRunFolder(bool force)
    {
        IEnumerable<string> inputs = [.. _train.Files, .. _validator?.Dataset.Files ?? [], .. Options.PretrainedBackbone is { } p ? [p] : Array.Empty<string>()];
        var outputs = new OutputGuard(force, inputs);
        foreach (string file in RunFiles)
            outputs.File(Path.Combine(RunDir, file), "--out", "continue that run with --resume, choose another --out");
        if (!Directory.Exists(RunDir)) return;
        foreach (string file in RunFiles) File.Delete(Path.Combine(RunDir, file));
    }

    static void RequireSameClasses(IReadOnlyList<string> a, IReadOnlyList<string> b, string aName, string bName)
    {
        if (!a.SequenceEqual(b))
            throw new InvalidDataException($"{aName} has classes [{Summary(a)}] but {bName} has [{Summary(b)}]: they must match in number and order.");
        static string Summary(IReadOnlyList<string> names) =>
            names.Count <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + $", ... ({names.Count})";
    }

    public TrainOutcome Run(CancellationToken cancel = default)
    {
        Directory.CreateDirectory(RunDir);
        int batches = Options.MaxBatchesPerEpoch > 0 ? Math.Min(_loader.BatchCount, Options.MaxBatchesPerEpoch) : _loader.BatchCount;
        var schedule = new LearningRateSchedule(Options, batches);
        LogStart(batches, schedule);
        ReportDataIssues();

        EpochResult? last = null;
        for (int epoch = _state.Epoch; epoch < Options.Epochs; epoch++)
        {
            var (done, interrupted, progress) = TrainEpoch(schedule, epoch, batches, cancel);
            if (interrupted)
            {
                _state = _state with { Epoch = epoch, Batch = done };
                SaveLast();
                _log.WriteLine($"\nstopped at epoch {epoch + 1}, batch {done}: resumable checkpoint {Path.Combine(RunDir, LastFile)}");
                ReportDataIssues();
                return new TrainOutcome(false, epoch, RunDir, _state.BestFitness, _state.BestEpoch, last);
            }
            progress.Finish(done);

            double? map50 = null, map = null;
            if (_validator is not null && ((epoch + 1) % Options.ValEvery == 0 || epoch + 1 == Options.Epochs))
                (map50, map) = Validate();
            double fitness = map is null ? -(progress.Box + progress.Objectness + progress.Class) : 0.1 * map50!.Value + 0.9 * map.Value;
            bool best = fitness > _state.BestFitness;
            _state = _state with
            {
                Epoch = epoch + 1,
                Batch = 0,
                BestFitness = best ? fitness : _state.BestFitness,
                BestEpoch = best ? epoch : _state.BestEpoch,
            };
            SaveLast();
            if (best) MakeCheckpoint(full: false).Save(Path.Combine(RunDir, BestFile));
            var (lr, _) = schedule.At((long)(epoch + 1) * batches - 1);
            last = new EpochResult(epoch, progress.Box, progress.Objectness, progress.Class, map50, map,
                lr[ParameterGroups.DecayGroup], lr[ParameterGroups.BiasGroup], progress.Seconds, progress.ImagesPerSecond, progress.DataWaitShare);
            ResultsCsv.Append(RunDir, last);
            RunPlots.WriteCurves(RunDir);
            ReportDataIssues();
            if (cancel.IsCancellationRequested && epoch + 1 < Options.Epochs)
            {
                _log.WriteLine($"stopped after epoch {epoch + 1}: resumable checkpoint {Path.Combine(RunDir, LastFile)}");
                return new TrainOutcome(false, epoch + 1, RunDir, _state.BestFitness, _state.BestEpoch, last);
            }
        }
        _log.WriteLine($"done: {Options.Epochs} epochs; best epoch {_state.BestEpoch + 1} (fitness {_state.BestFitness:F4}); {RunDir}");
        return new TrainOutcome(true, Options.Epochs, RunDir, _state.BestFitness, _state.BestEpoch, last);
    }

    /// <summary>Trains one epoch (from the saved batch when resuming). Stops early, at an optimizer-step boundary,
    /// when cancelled. Returns the batches done and whether it was interrupted.</summary>
    (int Done, bool Interrupted, EpochProgress Progress) TrainEpoch(LearningRateSchedule schedule, int epoch, int batches,
        CancellationToken cancel)
    {
        _model.train();
        int start = epoch == _state.Epoch ? _state.Batch : 0;
        var progress = new EpochProgress(_log, _interactive, epoch, Options.Epochs, batches);
        int accumulate = Options.AccumulationSteps, pending = 0, windowStart = start, i = 0;
        _optimizer.zero_grad();
        using var batchesOfEpoch = _loader.Epoch(epoch, Options.Epochs).GetEnumerator();
        while (i < batches)
        {
            long waitStart = Stopwatch.GetTimestamp();
            if (!batchesOfEpoch.MoveNext()) break;
            using var batch = batchesOfEpoch.Current;
            if (i < start) { i++; continue; }   // resuming: the seeded order is replayed up to the saved batch
            progress.AddDataWait(Stopwatch.GetElapsedTime(waitStart).TotalSeconds);

            ApplySchedule(schedule.At((long)epoch * batches + i));
            LossParts parts;
            using (NewDisposeScope())
            {
                var levels = _model.forward(batch.Images.to(_device));
                using var loss = _loss.Compute(levels, batch.Targets.to(_device));
                float total = loss.Total.item<float>();
                if (!float.IsFinite(total))
                {
                    _state = _state with { Epoch = epoch, Batch = windowStart };
                    SaveLast();
                    var ids = string.Join(", ", batch.Items.Take(8).Select(b => b.ImageId));
                    throw new TrainingDivergedException(
                        $"loss is {total} at epoch {epoch + 1}, batch {i + 1} of {batches} (image ids {ids}{(batch.Count > 8 ? ", ..." : "")}). " +
                        $"{Path.Combine(RunDir, LastFile)} holds the weights from before it (resumable at batch {windowStart + 1}); " +
                        "a lower --lr0 or a check of those images' boxes usually helps.");
                }
                loss.Total.backward();
                parts = new LossParts(loss.Box, loss.Objectness, loss.Class);
            }
            pending++;
            i++;
            progress.Add(i - 1, batch.Count, parts.Box, parts.Objectness, parts.Class);
            if (pending == accumulate || i == batches)
            {
                Step();
                pending = 0;
                windowStart = i;
                if (cancel.IsCancellationRequested && i < batches) return (i, true, progress);
            }
        }
        if (pending > 0) Step();   // the loader ended early (fewer batches than it announced)
        return (i, false, progress);
    }

    readonly record struct LossParts(float Box, float Objectness, float Class);

    void ApplySchedule((double[] Lr, double Momentum) at)
    {
        int g = 0;
        foreach (var group in _optimizer.ParamGroups)
        {
            group.LearningRate = at.Lr[g++];
            ((SGD.ParamGroup)group).Momentum = at.Momentum;
        }
    }

    void Step()
    {
        if (Options.GradientClip > 0) nn.utils.clip_grad_norm_(_model.parameters(), Options.GradientClip);
        _optimizer.step();
        _optimizer.zero_grad();
        _ema?.Update(_model);
    }

    (double Map50, double Map) Validate()
    {
        var model = _emaModel ?? _model;
        model.eval();
        try
        {
            int lastShown = -1;
            using var backend = TorchDetectorBackend.ForModule(model, Info(), _device);
            var pass = _validator!.Detect(backend, DetectOptions.Evaluation, (done, total) =>
            {
                if (!_interactive || done == lastShown) return;
                lastShown = done;
                _log.Write($"\r  val {done}/{total}   ");
            });
            var result = _validator.Evaluate(pass.Detections);
            double map = Math.Max(result.Stats[0], 0), map50 = Math.Max(result.Stats[1], 0);
            RunPlots.WritePrecisionRecall(RunDir, result);
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(_interactive ? "\r" : "")}  val: mAP50 {map50:F4}  mAP50-95 {map:F4}  ({pass.Images} images, {pass.Detections.Count} detections, {pass.Seconds:F1} s)"));
            return (map50, map);
        }
        finally
        {
            if (_emaModel is null) _model.train();
        }
    }

    /// <summary>What the run's checkpoints say about the model: its name, classes, input size, progress.</summary>
    CheckpointInfo Info() => new()
    {
        Model = Options.Model,
        ClassNames = _train.ClassNames.ToArray(),
        CategoryIds = Enumerable.Range(0, _train.Categories.Count).Select(_train.Categories.ToCategoryId).ToArray(),
        ImageSize = Options.ImageSize,
        Activation = _model.Backbone.Options.Activation.ToString(),
        Epoch = _state.Epoch,
        TotalEpochs = Options.Epochs,
        BestFitness = _state.BestFitness,
        Notes = new Dictionary<string, string> { ["data"] = Options.Data },
    };

    Checkpoint MakeCheckpoint(bool full)
    {
        var c = new Checkpoint(Info());
        c.PutModule(Checkpoint.ModelSection, _emaModel ?? (nn.Module)_model);
        if (full)
        {
            c.PutModule(TrainingCheckpoint.RawSection, _model);
            TrainingCheckpoint.PutOptimizer(c, _optimizer);
            TrainingCheckpoint.PutState(c, _state with { EmaUpdates = _ema?.Updates ?? 0, TorchRng = TrainingCheckpoint.SaveTorchRng() });
        }
        return c;
    }

    void SaveLast() => MakeCheckpoint(full: true).Save(Path.Combine(RunDir, LastFile));

    /// <summary>
    /// What was skipped so far (the splits' reading problems, images that could not be decoded): one line in the
    /// log and data_issues.json in the run folder, each time the list grows (the file always exists).
    /// </summary>
    void ReportDataIssues()
    {
        var issues = new DatasetIssues();
        issues.AddFrom(_train.Issues);
        issues.AddFrom(_loader.Issues);
        if (_validator is not null) issues.AddFrom(_validator.Issues);
        if (issues.Total == _dataIssuesReported) return;
        _dataIssuesReported = issues.Total;
        if (issues.Total > 0) _log.WriteLine($"data: {issues.Headline()}");
        File.WriteAllText(Path.Combine(RunDir, DataIssuesFile), issues.ToJson().ToJsonString(new() { WriteIndented = true }));
    }

    void LogStart(int batches, LearningRateSchedule schedule)
    {
        _log.WriteLine($"{Options.Model}: {_model.ParameterCount() / 1e6:F2}M parameters, {_train.Categories.Count} classes, {Options.ImageSize} px, device {_device}");
        _log.WriteLine($"train: {_train.Count} images ({Options.Data}, split {Options.TrainSplit}), {batches} batches of {Options.BatchSize}" +
                       $", gradients accumulated over {Options.AccumulationSteps} (nominal {Options.NominalBatchSize}), weight decay {Options.EffectiveWeightDecay:G3}");
        _log.WriteLine(_validator is null ? "val: off" : $"val: {_validator.Dataset.Count} images (split {Options.ValSplit}) every {Options.ValEvery} epoch(s)");
        _log.WriteLine($"schedule: lr0 {Options.Lr0} cosine to {Options.Lr0 * Options.FinalLrFactor:G3}, warm-up {schedule.WarmupIterations} batches, EMA {(Options.Ema ? "on" : "off")}");
        if (_state.Epoch > 0 || _state.Batch > 0)
            _log.WriteLine($"resuming at epoch {_state.Epoch + 1}, batch {_state.Batch + 1}");
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _emaModel?.Dispose();
    }
}
