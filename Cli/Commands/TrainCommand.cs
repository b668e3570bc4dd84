using System.CommandLine;
using ParNetDetect.CommandLine;
using ParNetDetect.Training;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect train`: trains a detector (or resumes a run) and writes its run folder.</summary>
public static class TrainCommand
{
    public static Command Create(CommandLineApp app)
    {
        var resume = VerbOptions.Text("--resume", "continue the run in runs/NAME (or runs/NAME/last.ckpt); only --device and --workers may change");
        var data = VerbOptions.Text("--data", "a COCO instances .json, a YOLO data.yaml or a `detect synth` folder (required unless --resume)");
        var model = VerbOptions.Text("--model", "parnet-n-yolo", "the detector variant");
        var epochs = VerbOptions.Int("--epochs", 300, "epochs to train", 1, 100_000);
        var img = VerbOptions.Int("--img", 640, "input side, a multiple of 32", 32, 4096);
        var batch = VerbOptions.Int("--batch", 16, "images per batch", 1, 4096);
        var nominalBatch = VerbOptions.Int("--nominal-batch", 64, "images per optimizer step (gradients of ceil(nominal / batch) batches are summed)", 1, 65536);
        var device = VerbOptions.Text("--device", "cpu or cuda (default cpu; on --resume, the run's)");
        var outDir = VerbOptions.Text("--out", "runs/train", "the run folder");
        var workers = VerbOptions.OptionalInt("--workers", "loader threads (default: one per core; on --resume, the run's)", 1, 256);
        var seed = VerbOptions.Int("--seed", 0, "seeds the model, the loader's order and augmentation");
        var lr0 = VerbOptions.Number("--lr0", 0.01, "initial learning rate", 1e-8, 10);
        var lrf = VerbOptions.Number("--lrf", 0.2, "final learning rate as a fraction of --lr0", 1e-6, 1);
        var warmup = VerbOptions.Number("--warmup-epochs", 3, "epochs of warm-up", 0, 1000);
        var clip = VerbOptions.Number("--clip", 10, "gradient norm clip (0 = off)", 0, 1e9);
        var trainSplit = VerbOptions.Text("--train-split", "train", "the split trained on");
        var valSplit = VerbOptions.Text("--val-split", "val", "the split validated on");
        var valEvery = VerbOptions.Int("--val-every", 1, "validate every N epochs (0 = never)", 0, 100_000);
        var closeMosaic = VerbOptions.Int("--close-mosaic", 10, "the last N epochs train without mosaic", 0, 100_000);
        var pretrained = VerbOptions.Text("--pretrained", "ImageNet ParNet weights for the backbone");
        var activation = VerbOptions.Text("--activation", "silu", "silu or relu (official ImageNet checkpoints need relu)");
        var noAugment = VerbOptions.Flag("--no-augment", "train without augmentation");
        var noEma = VerbOptions.Flag("--no-ema", "no exponential moving average of the weights");
        var maxBatches = VerbOptions.Int("--max-batches", 0, "stop each epoch after N batches (0 = whole epoch)", 0, int.MaxValue);
        var strict = VerbOptions.Flag("--strict", "fail at the first problem in the data (exit 1, naming the file or line)");
        var force = VerbOptions.Flag("--force", "start a folder that holds a run over (never deletes the data or --pretrained weights)");
        var command = new Command("train", "train a detector: SGD, warm-up + cosine, EMA, per-epoch COCO validation, resumable")
        {
            resume, data, model, epochs, img, batch, nominalBatch, device, outDir, workers, seed, lr0, lrf, warmup, clip,
            trainSplit, valSplit, valEvery, closeMosaic, pretrained, activation, noAugment, noEma, maxBatches, strict, force,
        };
        app.SetNotes(command, """
            Gradients of ceil(nominal / batch) batches are summed per optimizer step (weight decay scales with it).
            The run folder gets last.ckpt (resumable), best.ckpt (best validation fitness, 0.9 mAP50-95 + 0.1 mAP50) and
            results.csv. A folder that holds a run is only started over with --force.
            Problems in the data (corrupt images, malformed label lines, ...) are skipped, summed up in one "data:" line
            and in data_issues.json; --strict fails at the first one instead.
            Ctrl-C or SIGTERM stops at the next optimizer step and leaves a resumable last.ckpt.
            Exit codes: 0 done, 1 error (bad data, NaN loss: the message names the batch), 2 usage, 130 stopped by Ctrl-C
            (SIGINT), 143 stopped by SIGTERM.
            """);
        command.SetAction(p =>
        {
            string? resumeFrom = p.GetValue(resume);
            string? deviceName = p.GetValue(device);
            int? workerCount = p.GetValue(workers);
            if (resumeFrom is not null)
            {
                // A resumed run follows its saved settings: anything else given would be silently ignored.
                var ignored = command.Options.Where(o => o != resume && o != device && o != workers && p.GetResult(o) is { Implicit: false });
                if (ignored.FirstOrDefault() is { } other)
                    throw new UsageException($"--resume continues a run with its own settings; only --device and --workers may change (got {other.Name}).");
                return Train(() => TrainingRun.Resume(resumeFrom, Console.Out, !Console.IsOutputRedirected,
                    o => o with { Device = deviceName ?? o.Device, Workers = workerCount ?? o.Workers }));
            }
            var options = new TrainOptions
            {
                Data = p.GetValue(data) ?? throw new UsageException("--data is required (or --resume)."),
                Model = p.GetValue(model)!,
                Epochs = p.GetValue(epochs),
                ImageSize = p.GetValue(img),
                BatchSize = p.GetValue(batch),
                NominalBatchSize = p.GetValue(nominalBatch),
                Device = deviceName ?? "cpu",
                OutDir = p.GetValue(outDir)!,
                Workers = workerCount ?? Math.Max(1, Environment.ProcessorCount),
                Seed = p.GetValue(seed),
                Lr0 = p.GetValue(lr0),
                FinalLrFactor = p.GetValue(lrf),
                WarmupEpochs = p.GetValue(warmup),
                GradientClip = p.GetValue(clip),
                TrainSplit = p.GetValue(trainSplit)!,
                ValSplit = p.GetValue(valSplit)!,
                ValEvery = p.GetValue(valEvery),
                CloseMosaicEpochs = p.GetValue(closeMosaic),
                Augment = !p.GetValue(noAugment),
                Ema = !p.GetValue(noEma),
                Activation = p.GetValue(activation)!,
                PretrainedBackbone = p.GetValue(pretrained),
                MaxBatchesPerEpoch = p.GetValue(maxBatches),
                Strict = p.GetValue(strict),
            };
            bool overwrite = p.GetValue(force);
            return Train(() => TrainingRun.Start(options, Console.Out, !Console.IsOutputRedirected, overwrite));
        });
        return command;
    }

    static int Train(Func<TrainingRun> makeRun)
    {
        TrainingRun run;
        // The trainer names a bad setting as this command spells it: the command line is wrong, not the data.
        try { run = makeRun(); }
        catch (InvalidOptionException e) { throw new UsageException(e.Message); }
        using (run)
        using (var stop = new StopSignals("stopping at the next optimizer step and saving a resumable checkpoint"))
        {
            var outcome = run.Run(stop.Token);
            return outcome.Completed ? ExitCodes.Ok : stop.ExitCode;
        }
    }
}
