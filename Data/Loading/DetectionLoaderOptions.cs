namespace ParNetDetect.Data;

/// <summary>How <see cref="DetectionLoader"/> samples and batches.</summary>
public sealed record DetectionLoaderOptions
{
    /// <summary>Side S of the square network input.</summary>
    public int ImageSize { get; init; } = 640;

    public int BatchSize { get; init; } = 16;

    /// <summary>Decode/augment threads. Each builds whole batches; batches are handed out in order.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Batches built ahead of the consumer (bounds memory: each is N*3*S*S floats).</summary>
    public int PrefetchBatches { get; init; } = 3;

    /// <summary>Training augmentation; null = validation mode (letterbox only, dataset order).</summary>
    public AugmentationOptions? Augmentation { get; init; }

    /// <summary>Shuffle each epoch (on by default in training mode). The order depends only on Seed and epoch.</summary>
    public bool? Shuffle { get; init; }

    /// <summary>Drop a last incomplete batch (training keeps batch statistics steady).</summary>
    public bool DropLast { get; init; }

    public int Seed { get; init; }

    /// <summary>--strict: a problem in the data (found while reading the dataset or decoding an image) throws
    /// <see cref="InvalidDataException"/> naming it, instead of being skipped and counted.</summary>
    public bool Strict { get; init; }

    public static DetectionLoaderOptions Training(int imageSize, int batchSize, int seed = 0) =>
        new() { ImageSize = imageSize, BatchSize = batchSize, Seed = seed, Augmentation = AugmentationOptions.Default };

    public static DetectionLoaderOptions Validation(int imageSize, int batchSize) =>
        new() { ImageSize = imageSize, BatchSize = batchSize };
}
