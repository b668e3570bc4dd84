using OpenCvSharp;
using Size = OpenCvSharp.Size;

namespace ParNetDetect.Data;

/// <summary>
/// What lies behind the shapes: a two-colour gradient, low-frequency blotches, stripes or a grid (or neither),
/// <see cref="Clutter"/> and noise. Every length is given for a 320-pixel short side and scaled to the frame's, so a
/// 640x480 video frame letterboxed to 320 shows the grid a 320-pixel still shows: the detector never meets a
/// finer grid, or thinner lines, live than it was trained on.
/// </summary>
public static class Backdrop
{
    /// <summary>The short side the lengths below are given for.</summary>
    public const float ReferenceSide = 320;

    public static Mat Render(int width, int height, Random rng)
    {
        // Randu/Randn draw from OpenCV's per-thread generator: seed it from ours to stay reproducible.
        Cv2.SetTheRNG((ulong)rng.NextInt64());
        float unit = Math.Min(width, height) / ReferenceSide;
        var image = new Mat(height, width, MatType.CV_8UC3);
        Gradient(image, rng);
        Blotches(image, unit);
        switch (rng.Next(3))
        {
            case 0: // stripes
                float spacing = rng.Next(8, 40) * unit;
                var stripe = Colours.Random(rng, 0.2, 0.8);
                int stripeWidth = Math.Max(1, (int)MathF.Round(spacing / 4));
                for (float x = -height; x < width; x += spacing)
                    Cv2.Line(image, new Point((int)x, 0), new Point((int)x + height, height), stripe, stripeWidth, LineTypes.AntiAlias);
                break;
            case 1: // grid, like tiles or paper
                float cell = rng.Next(12, 60) * unit;
                var gridColour = Colours.Random(rng, 0.2, 0.8);
                int lineWidth = Math.Max(1, (int)MathF.Round(unit));
                for (float x = 0; x < width; x += cell) Cv2.Line(image, new Point((int)x, 0), new Point((int)x, height), gridColour, lineWidth);
                for (float y = 0; y < height; y += cell) Cv2.Line(image, new Point(0, (int)y), new Point(width, (int)y), gridColour, lineWidth);
                break;
        }
        Clutter.Draw(image, rng, unit);
        using (var noise = new Mat(height, width, MatType.CV_8UC3))
        {
            Cv2.Randn(noise, Scalar.All(0), Scalar.All(rng.Next(3, 12)));
            Cv2.Add(image, noise, image);
        }
        return image;
    }

    /// <summary>A gradient along a random direction, built from a 2-pixel image and stretched (cheap).</summary>
    static void Gradient(Mat image, Random rng)
    {
        int width = image.Cols, height = image.Rows;
        var a = Colours.Random(rng, 0.1, 0.9);
        var b = Colours.Random(rng, 0.1, 0.9);
        using var ends = new Mat(1, 2, MatType.CV_8UC3);
        ends.Set(0, 0, new Vec3b((byte)a.Val0, (byte)a.Val1, (byte)a.Val2));
        ends.Set(0, 1, new Vec3b((byte)b.Val0, (byte)b.Val1, (byte)b.Val2));
        int diagonal = (int)Math.Ceiling(Math.Sqrt(width * width + height * height));
        using var line = new Mat();
        Cv2.Resize(ends, line, new Size(diagonal, diagonal), 0, 0, InterpolationFlags.Linear);
        using var rotation = Cv2.GetRotationMatrix2D(new Point2f(diagonal / 2f, diagonal / 2f), rng.NextDouble() * 360, 1);
        rotation.Set(0, 2, rotation.At<double>(0, 2) - (diagonal - width) / 2.0);
        rotation.Set(1, 2, rotation.At<double>(1, 2) - (diagonal - height) / 2.0);
        Cv2.WarpAffine(line, image, rotation, new Size(width, height), InterpolationFlags.Linear, BorderTypes.Reflect);
    }

    /// <summary>Low-frequency blotches: coarse noise, one value per 24 reference pixels, blown up.</summary>
    static void Blotches(Mat image, float unit)
    {
        int width = image.Cols, height = image.Rows;
        float cell = 24 * unit;
        using var coarse = new Mat(Math.Max(2, (int)(height / cell)), Math.Max(2, (int)(width / cell)), MatType.CV_8UC3);
        using var blotches = new Mat();
        Cv2.Randu(coarse, Scalar.All(0), Scalar.All(255));
        Cv2.Resize(coarse, blotches, new Size(width, height), 0, 0, InterpolationFlags.Cubic);
        Cv2.AddWeighted(image, 0.75, blotches, 0.25, 0, image);
    }
}
