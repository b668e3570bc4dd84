using ParNetDetect.DetectionHead;

namespace ParNetDetect.Training;

/// <summary>Everything a training run is configured with (Scaled-YOLOv4's recipe by default); saved in its checkpoints.</summary>
public sealed record TrainOptions
{
    /// <summary>Dataset path (COCO json, YOLO data.yaml, `detect synth` folder); see DetectionDatasets.Open.</summary>
    public required string Data { get; init; }
    public string TrainSplit { get; init; } = "train";
    public string ValSplit { get; init; } = "val";
    public string Model { get; init; } = "parnet-n-yolo";
    public int Epochs { get; init; } = 300;
    public int ImageSize { get; init; } = 640;
    public int BatchSize { get; init; } = 16;
    /// <summary>Gradients are accumulated over ceil(64 / BatchSize) batches before a step; weight decay scales with it.</summary>
    public int NominalBatchSize { get; init; } = 64;
    public string Device { get; init; } = "cpu";
    /// <summary>Run folder: last.ckpt, best.ckpt, results.csv, plots.</summary>
    public string OutDir { get; init; } = "runs/train";
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);
    public int Seed { get; init; }

    public double Lr0 { get; init; } = 0.01;
    /// <summary>Cosine decay ends at Lr0 x this.</summary>
    public double FinalLrFactor { get; init; } = 0.2;
    public double Momentum { get; init; } = 0.937;
    public double WeightDecay { get; init; } = 5e-4;
    public double WarmupEpochs { get; init; } = 3;
    public double WarmupMomentum { get; init; } = 0.8;
    public double WarmupBiasLr { get; init; } = 0.1;
    /// <summary>Gradient-norm clip (0 = off): one bad mosaic must not wreck a small-batch CPU run.</summary>
    public double GradientClip { get; init; } = 10;
    public bool Ema { get; init; } = true;
    public bool Augment { get; init; } = true;
    /// <summary>Mosaic off for the last N epochs.</summary>
    public int CloseMosaicEpochs { get; init; } = 10;
    /// <summary>Backbone nonlinearity: "silu" (the paper) or "relu" (what the official ImageNet checkpoints used).</summary>
    public string Activation { get; init; } = "silu";
    /// <summary>ImageNet-pretrained ParNet weights for the backbone (optional).</summary>
    public string? PretrainedBackbone { get; init; }
    /// <summary>Validate every N epochs (and always after the last); 0 = never.</summary>
    public int ValEvery { get; init; } = 1;
    /// <summary>Stop an epoch after this many batches (smoke tests, benchmarks); 0 = whole epoch.</summary>
    public int MaxBatchesPerEpoch { get; init; }
    /// <summary>Fail at the first problem in the data (corrupt image, malformed label line, ...) instead of skipping
    /// it; without it, what was skipped is reported and written to data_issues.json.</summary>
    public bool Strict { get; init; }

    /// <summary>Throws <see cref="InvalidOptionException"/> on an unknown or out-of-range setting, naming it as
    /// `detect train` spells it (settings without an option by their own name).</summary>
    public void Validate()
    {
        void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new InvalidOptionException($"{name} {rule} (got {value}).");
        }
        Check(DetectorVariants.Names.Contains(Model, StringComparer.OrdinalIgnoreCase), "--model", Model,
            $"must be one of {string.Join(", ", DetectorVariants.Names)}");
        Check(Epochs >= 1, "--epochs", Epochs, "must be at least 1");
        Check(ImageSize >= 32 && ImageSize % 32 == 0, "--img", ImageSize, "must be a positive multiple of 32");
        Check(BatchSize >= 1, "--batch", BatchSize, "must be at least 1");
        Check(NominalBatchSize >= 1, "--nominal-batch", NominalBatchSize, "must be at least 1");
        Check(Lr0 > 0, "--lr0", Lr0, "must be positive");
        Check(FinalLrFactor is > 0 and <= 1, "--lrf", FinalLrFactor, "must be in (0, 1]");
        Check(Momentum is > 0 and < 1, "momentum", Momentum, "must be in (0, 1)");
        Check(WeightDecay >= 0, "weight decay", WeightDecay, "must not be negative");
        Check(WarmupEpochs >= 0, "--warmup-epochs", WarmupEpochs, "must not be negative");
        Check(Workers >= 1, "--workers", Workers, "must be at least 1");
        Check(ValEvery >= 0, "--val-every", ValEvery, "must not be negative");
        Check(Enum.TryParse<ParNetDetect.Backbone.ParNetActivation>(Activation, true, out _), "--activation", Activation, "must be silu or relu");
    }

    /// <summary>Batches whose gradients are summed before one optimizer step.</summary>
    public int AccumulationSteps => Math.Max((int)Math.Round((double)NominalBatchSize / BatchSize), 1);

    /// <summary>Weight decay scaled to the effective batch (the recipe's 5e-4 is per 64 images).</summary>
    public double EffectiveWeightDecay => WeightDecay * BatchSize * AccumulationSteps / NominalBatchSize;
}
