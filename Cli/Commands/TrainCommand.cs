using ParNetDetect.Training;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect train`: trains a detector (or resumes a run) and writes its run folder.</summary>
public sealed class TrainCommand : IVerb
{
    public string Name => "train";
    public string Summary => "train a detector: SGD, warm-up + cosine, EMA, per-epoch COCO validation, resumable";
    public string Usage =>
        """
        usage: detect train --data D [--model parnet-n-yolo] [--epochs 300] [--img 640] [--batch 16] [--nominal-batch 64]
                            [--device cpu|cuda] [--out runs/train] [--workers N] [--seed 0] [--lr0 0.01] [--lrf 0.2]
                            [--warmup-epochs 3] [--clip 10] [--train-split train] [--val-split val] [--val-every 1] [--close-mosaic 10]
                            [--pretrained PARNET_WEIGHTS] [--activation silu|relu]
                            [--no-augment] [--no-ema] [--max-batches N] [--strict] [--force]
               detect train --resume runs/NAME[/last.ckpt] [--device cpu|cuda] [--workers N]

        Gradients of ceil(nominal / batch) batches are summed per optimizer step (weight decay scales with it).
        --pretrained takes ImageNet ParNet weights (official checkpoints need --activation relu, what they were trained with).
        D is a COCO instances .json, a YOLO data.yaml or a `detect synth` folder. The run folder gets last.ckpt
        (resumable), best.ckpt (best validation fitness, 0.9 mAP50-95 + 0.1 mAP50) and results.csv. A folder that
        holds a run is only started over with --force, which never deletes the data or the --pretrained weights.
        Problems in the data (corrupt images, malformed label lines, ...) are skipped, summed up in one "data:" line
        and in data_issues.json; --strict fails at the first one instead (exit 1, naming the file or line).
        Ctrl-C or SIGTERM stops at the next optimizer step and leaves a resumable last.ckpt.
        Exit codes: 0 done, 1 error (bad data, NaN loss: the message names the batch), 2 usage, 130 stopped by Ctrl-C
        (SIGINT), 143 stopped by SIGTERM.
        """;

    public int Run(CommandLine args)
    {
        string? resume = args.String("resume");
        string? device = args.String("device");
        int? workers = args.Has("workers") ? args.Int("workers", 1, 1, 256) : null;
        TrainingRun run;
        if (resume is not null)
        {
            args.EnsureAllUsed();
            run = TrainingRun.Resume(resume, Console.Out, !Console.IsOutputRedirected,
                o => o with { Device = device ?? o.Device, Workers = workers ?? o.Workers });
        }
        else
        {
            var options = new TrainOptions
            {
                Data = args.Required("data"),
                Model = args.String("model", "parnet-n-yolo"),
                Epochs = args.Int("epochs", 300, 1, 100_000),
                ImageSize = args.Int("img", 640, 32, 4096),
                BatchSize = args.Int("batch", 16, 1, 4096),
                NominalBatchSize = args.Int("nominal-batch", 64, 1, 65536),
                Device = device ?? "cpu",
                OutDir = args.String("out", "runs/train"),
                Workers = workers ?? Math.Max(1, Environment.ProcessorCount),
                Seed = args.Int("seed", 0),
                Lr0 = args.Double("lr0", 0.01, 1e-8, 10),
                FinalLrFactor = args.Double("lrf", 0.2, 1e-6, 1),
                WarmupEpochs = args.Double("warmup-epochs", 3, 0, 1000),
                GradientClip = args.Double("clip", 10, 0, 1e9),
                TrainSplit = args.String("train-split", "train"),
                ValSplit = args.String("val-split", "val"),
                ValEvery = args.Int("val-every", 1, 0, 100_000),
                CloseMosaicEpochs = args.Int("close-mosaic", 10, 0, 100_000),
                Augment = !args.Flag("no-augment"),
                Ema = !args.Flag("no-ema"),
                Activation = args.String("activation", "silu"),
                PretrainedBackbone = args.String("pretrained"),
                MaxBatchesPerEpoch = args.Int("max-batches", 0, 0, int.MaxValue),
                Strict = args.Flag("strict"),
            };
            bool force = args.Flag("force");
            args.EnsureAllUsed();
            run = TrainingRun.Start(options, Console.Out, !Console.IsOutputRedirected, force);
        }
        using (run)
        using (var stop = new StopSignals("stopping at the next optimizer step and saving a resumable checkpoint"))
        {
            var outcome = run.Run(stop.Token);
            return outcome.Completed ? 0 : stop.ExitCode;
        }
    }
}
