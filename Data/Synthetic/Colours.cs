using OpenCvSharp;

namespace ParNetDetect.Data;

/// <summary>Colour helpers for the synthetic scenes.</summary>
public static class Colours
{
    /// <summary>A BGR colour from OpenCV's 8-bit HSV (hue 0-180, saturation and value 0-255).</summary>
    public static Scalar FromHsv(double hue, double saturation, double value)
    {
        using var hsv = new Mat(1, 1, MatType.CV_8UC3, new Scalar(hue, saturation, value));
        using var bgr = new Mat();
        Cv2.CvtColor(hsv, bgr, ColorConversionCodes.HSV2BGR);
        var v = bgr.At<Vec3b>(0, 0);
        return new Scalar(v.Item0, v.Item1, v.Item2);
    }

    /// <summary>A saturated colour of random hue with value in [minValue, maxValue].</summary>
    public static Scalar Random(Random rng, double minValue, double maxValue) =>
        FromHsv(rng.Next(180), rng.Next(80, 256), 255 * (minValue + (maxValue - minValue) * rng.NextDouble()));
}
