using ParNetDetect.DetectionHead;
using ParNetDetect.Sharding;

namespace ParNetDetect.Evaluation;

/// <summary>What <see cref="BatchEvaluation"/> evaluates and writes; `detect val` fills it from its command line.</summary>
public sealed record BatchEvaluationOptions
{
    /// <summary>A dataset (COCO .json or root, YOLO data.yaml, a `detect synth` folder).</summary>
    public required string Data { get; init; }
    public string Split { get; init; } = "val";
    /// <summary>Input side; null: the model's own (where its thresholds were calibrated, else its trained size).</summary>
    public int? ImageSize { get; init; }
    public int BatchSize { get; init; } = 16;
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);
    public DetectOptions Detect { get; init; } = DetectOptions.Evaluation;
    /// <summary>Only this shard (<see cref="DatasetShard"/>); its detections go to <see cref="SaveJson"/>, unevaluated.</summary>
    public ShardChoice? Shard { get; init; }
    /// <summary>Detections in COCO results format, with the dataset's category ids.</summary>
    public string? SaveJson { get; init; }
    /// <summary>The metrics file (<see cref="CocoEval.MetricsJson"/>).</summary>
    public string? MetricsJson { get; init; }
    /// <summary>Replace existing output files (never an input).</summary>
    public bool Force { get; init; }
    /// <summary>Fail at the first data problem instead of skipping it.</summary>
    public bool Strict { get; init; }
    /// <summary>Write the thresholds that maximise F1 into the checkpoint (<see cref="ThresholdCalibration"/>); the
    /// caller evaluates with <see cref="ThresholdCalibration.Detect"/>.</summary>
    public bool Calibrate { get; init; }
}
