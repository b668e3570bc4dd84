namespace ParNetDetect.Data;

/// <summary>
/// Training augmentation, each step switchable (YOLOv5's defaults). A null <see cref="AugmentationOptions"/> in
/// the loader means validation: letterbox only.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Four images on a 2S canvas around a random centre, then cropped to S by the affine step.</summary>
    public bool Mosaic { get; init; } = true;

    /// <summary>Mosaic is switched off for this many final epochs, so the model ends on whole, natural images.</summary>
    public int CloseMosaicEpochs { get; init; } = 10;

    /// <summary>Random scale gain in [1 - Scale, 1 + Scale]; 0 turns scaling off.</summary>
    public float Scale { get; init; } = 0.5f;

    /// <summary>Random translation of the centre, as a fraction of the image size in each direction; 0 turns it off.</summary>
    public float Translate { get; init; } = 0.1f;

    /// <summary>HSV gains: hue, saturation and value are multiplied by 1 + U(-gain, gain); 0 turns one off.</summary>
    public float HueGain { get; init; } = 0.015f;
    public float SaturationGain { get; init; } = 0.7f;
    public float ValueGain { get; init; } = 0.4f;

    /// <summary>Probability of a left-right flip; 0 turns it off.</summary>
    public float FlipProbability { get; init; } = 0.5f;

    /// <summary>Boxes smaller than this (pixels, either side) after augmentation are dropped.</summary>
    public float MinBoxSide { get; init; } = 2f;

    /// <summary>Boxes keeping less than this fraction of their (scaled) area after cropping are dropped.</summary>
    public float MinVisibleArea { get; init; } = 0.1f;

    public static AugmentationOptions Default { get; } = new();

    /// <summary>Every step off: training-mode sampling (shuffled, letterboxed) without any augmentation.</summary>
    public static AugmentationOptions None { get; } = new()
    {
        Mosaic = false, Scale = 0, Translate = 0, HueGain = 0, SaturationGain = 0, ValueGain = 0, FlipProbability = 0,
    };

    public bool HasHsv => HueGain > 0 || SaturationGain > 0 || ValueGain > 0;

    /// <summary>Whether mosaic applies in <paramref name="epoch"/> (0-based) of <paramref name="totalEpochs"/> (0 = unknown: always).</summary>
    public bool MosaicActive(int epoch, int totalEpochs) =>
        Mosaic && (totalEpochs <= 0 || epoch < totalEpochs - CloseMosaicEpochs);
}
