namespace ParNetDetect.Training;

/// <summary>
/// Where a run stands, saved with every checkpoint so `--resume` continues exactly. Positions are always optimizer
/// step boundaries (no half-accumulated gradients are ever lost): Epoch and Batch name the next batch to train.
/// </summary>
public sealed record TrainingState
{
    /// <summary>0-based epoch of the next batch.</summary>
    public int Epoch { get; init; }
    /// <summary>0-based index in that epoch of the next batch (0 = the epoch has not started).</summary>
    public int Batch { get; init; }
    public long EmaUpdates { get; init; }
    public double BestFitness { get; init; } = double.NegativeInfinity;
    public int BestEpoch { get; init; } = -1;
    /// <summary>libtorch's default CPU generator state (base64).</summary>
    public string? TorchRng { get; init; }
    public required TrainOptions Options { get; init; }
}
