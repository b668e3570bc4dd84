namespace ParNetDetect.Onnx.Quantization;

/// <summary>Scale and zero point of an activation tensor: y = round(x / scale) + zero point, saturated to 0..255.</summary>
public readonly record struct ActivationQuantization(float Scale, byte ZeroPoint);

/// <summary>
/// The QDQ quantization rules, as ONNX Runtime's quantization tool applies them (docs/onnx.md):
/// activations uint8, asymmetric, per tensor, the range widened to hold 0 (so zero padding is exact);
/// weights int8, symmetric (zero point 0), one scale per output channel, values in -127..127;
/// biases int32 with scale = input scale x weight scale of the channel, zero point 0, as QLinearConv needs.
/// Rounding is half to even, as numpy's and ONNX's QuantizeLinear.
/// </summary>
public static class QuantizationRules
{
    public const int WeightMax = 127;

    public static ActivationQuantization Activation(float min, float max)
    {
        double lo = Math.Min(min, 0), hi = Math.Max(max, 0);
        double scale = (hi - lo) / 255;
        if (!(scale > 0) || double.IsInfinity(scale)) return new ActivationQuantization(1, 0);
        float s = (float)scale;
        return new ActivationQuantization(s, (byte)Math.Clamp(Math.Round(-lo / s, MidpointRounding.ToEven), 0, 255));
    }

    /// <summary>Per output channel: weights (Cout x rest, row-major) -> int8 values and the Cout scales.</summary>
    public static (sbyte[] Values, float[] Scales) Weights(ReadOnlySpan<float> weights, int outChannels)
    {
        int per = weights.Length / outChannels;
        var values = new sbyte[weights.Length];
        var scales = new float[outChannels];
        for (int c = 0; c < outChannels; c++)
        {
            var row = weights.Slice(c * per, per);
            float absMax = 0;
            foreach (float w in row) absMax = Math.Max(absMax, Math.Abs(w));
            // An all-zero channel quantizes to zeros under any scale; 1 keeps the scale valid.
            float scale = absMax > 0 ? absMax / WeightMax : 1;
            scales[c] = scale;
            for (int i = 0; i < per; i++)
                values[c * per + i] = (sbyte)Math.Clamp(Math.Round(row[i] / scale, MidpointRounding.ToEven), -WeightMax, WeightMax);
        }
        return (values, scales);
    }

    /// <summary>Biases (Cout) -> int32 values and their scales input scale x weight scale (in float32, as the runtime
    /// multiplies them).</summary>
    public static (int[] Values, float[] Scales) Bias(ReadOnlySpan<float> bias, float inputScale, ReadOnlySpan<float> weightScales)
    {
        var values = new int[bias.Length];
        var scales = new float[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            float scale = inputScale * weightScales[c];
            scales[c] = scale;
            values[c] = (int)Math.Clamp(Math.Round(bias[c] / (double)scale, MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }
        return (values, scales);
    }
}
