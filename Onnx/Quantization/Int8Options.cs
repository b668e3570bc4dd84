namespace ParNetDetect.Onnx.Quantization;

/// <summary>How activation ranges are taken from the calibration images.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum.</summary>
    MinMax,
    /// <summary>The values at the given percentile from each end (outliers clipped), ONNX Runtime's default 99.999.</summary>
    Percentile,
    /// <summary>The symmetric range whose 128-level quantization loses the least information (smallest KL
    /// divergence from the observed distribution; TensorRT's method, as ONNX Runtime's entropy calibrator).</summary>
    Entropy,
}

/// <summary>Static int8 quantization settings (QDQ format; see docs/onnx.md).</summary>
public sealed record Int8Options
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Percentile;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the share of values kept, in percent.</summary>
    public double Percentile { get; init; } = 99.999;

    /// <summary>
    /// Quantize the head's 1x1 output convs too. Off by default: they cost about 1% of the multiply-adds and
    /// produce the logits every box and score is decoded from, so int8 there buys little speed for the most
    /// accuracy risk; the lead measures both (docs/onnx.md).
    /// </summary>
    public bool QuantizeOutputConvs { get; init; }

    public void Validate()
    {
        if (Method == CalibrationMethod.Percentile && Percentile is not (> 50 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "must be in (50, 100]");
    }

    /// <summary>One line for the metadata.</summary>
    public string Describe(int images) =>
        "QDQ; weights int8 per output channel, symmetric; activations uint8 per tensor, "
        + Method switch
        {
            CalibrationMethod.MinMax => "min-max",
            CalibrationMethod.Entropy => "entropy",
            _ => $"percentile {Percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        }
        + $" over {images} calibration images; output convs {(QuantizeOutputConvs ? "int8" : "float")}";
}
