using OpenCvSharp;
using Scalar = OpenCvSharp.Scalar;
using Size = OpenCvSharp.Size;

namespace ParNetDetect.Data;

/// <summary>A shape drawn in a scene: its class and tight box in pixels.</summary>
public readonly record struct SceneObject(ShapeKind Kind, BoxXywh Box);

/// <summary>
/// Draws the synthetic scenes: textured backgrounds (a two-colour gradient, low-frequency blotches, stripes or a
/// grid, noise) and filled, anti-aliased shapes of random colour, size and rotation. Shapes may overlap, but a
/// new shape may cover at most a third of an earlier one's box, so every box still shows its object.
/// Everything random comes from the <see cref="Random"/> given, so a scene is reproducible from its seed.
/// </summary>
public static class SceneRenderer
{
    const int SubpixelBits = 4;
    const float MaxOcclusion = 1f / 3;

    /// <summary>A random background of the given size.</summary>
    public static Mat Background(int width, int height, Random rng)
    {
        // Randu/Randn draw from OpenCV's per-thread generator: seed it from ours to stay reproducible.
        Cv2.SetTheRNG((ulong)rng.NextInt64());
        var image = new Mat(height, width, MatType.CV_8UC3);
        var a = RandomColour(rng, 0.1, 0.9);
        var b = RandomColour(rng, 0.1, 0.9);
        // Gradient along a random direction, built from a 2-pixel image and stretched (cheap).
        using (var ends = new Mat(1, 2, MatType.CV_8UC3))
        {
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
        // Low-frequency blotches: coarse noise blown up.
        using (var coarse = new Mat(Math.Max(2, height / 24), Math.Max(2, width / 24), MatType.CV_8UC3))
        using (var blotches = new Mat())
        {
            Cv2.Randu(coarse, Scalar.All(0), Scalar.All(255));
            Cv2.Resize(coarse, blotches, new Size(width, height), 0, 0, InterpolationFlags.Cubic);
            Cv2.AddWeighted(image, 0.75, blotches, 0.25, 0, image);
        }
        switch (rng.Next(3))
        {
            case 0: // stripes
                int spacing = rng.Next(8, 40);
                var stripe = RandomColour(rng, 0.2, 0.8);
                for (int x = -height; x < width; x += spacing)
                    Cv2.Line(image, new Point(x, 0), new Point(x + height, height), stripe, Math.Max(1, spacing / 4), LineTypes.AntiAlias);
                break;
            case 1: // grid, like tiles or paper
                int cell = rng.Next(12, 60);
                var gridColour = RandomColour(rng, 0.2, 0.8);
                for (int x = 0; x < width; x += cell) Cv2.Line(image, new Point(x, 0), new Point(x, height), gridColour, 1);
                for (int y = 0; y < height; y += cell) Cv2.Line(image, new Point(0, y), new Point(width, y), gridColour, 1);
                break;
        }
        using (var noise = new Mat(height, width, MatType.CV_8UC3))
        {
            Cv2.Randn(noise, Scalar.All(0), Scalar.All(rng.Next(3, 12)));
            Cv2.Add(image, noise, image);
        }
        return image;
    }

    /// <summary>Draws up to <paramref name="maxObjects"/> shapes on <paramref name="image"/> and returns their boxes.</summary>
    public static List<SceneObject> DrawShapes(Mat image, Random rng, int minObjects, int maxObjects)
    {
        int width = image.Cols, height = image.Rows, shortSide = Math.Min(width, height);
        int wanted = rng.Next(minObjects, maxObjects + 1);
        var placed = new List<SceneObject>();
        for (int attempt = 0; placed.Count < wanted && attempt < wanted * 10; attempt++)
        {
            var kind = (ShapeKind)rng.Next(ShapeGeometry.ClassNames.Count);
            // Sizes spread evenly in log scale from tiny to a third of the image.
            float radius = shortSide * MathF.Exp(Lerp(MathF.Log(0.035f), MathF.Log(0.3f), rng.NextSingle()));
            var centre = new Point2f(Lerp(0, width, rng.NextSingle()), Lerp(0, height, rng.NextSingle()));
            var outline = ShapeGeometry.Outline(kind, centre, radius, rng.NextSingle() * 2 * MathF.PI);
            var whole = Bounds(outline);
            var box = Clip(whole, width, height);
            if (box is not { } b || b.Width < 4 || b.Height < 4 || b.Area < (1 - MaxOcclusion) * whole.Area) continue;
            if (placed.Any(p => IntersectionArea(p.Box, b) > MaxOcclusion * p.Box.Area)) continue;
            Draw(image, outline, rng);
            placed.Add(new SceneObject(kind, b));
        }
        return placed;
    }

    /// <summary>Fills a shape with a colour, sometimes with a darker outline.</summary>
    public static void Draw(Mat image, Point2f[] outline, Random rng) =>
        Draw(image, outline, RandomColour(rng, 0.05, 1), rng.Next(3) == 0);

    public static void Draw(Mat image, Point2f[] outline, Scalar colour, bool outlined)
    {
        const float unit = 1 << SubpixelBits;
        // Pixel centres sit at integer coordinates in OpenCV; boxes use pixel edges, hence the half-pixel shift.
        var points = outline.Select(p => new Point((int)MathF.Round((p.X - 0.5f) * unit), (int)MathF.Round((p.Y - 0.5f) * unit))).ToArray();
        Cv2.FillPoly(image, [points], colour, LineTypes.AntiAlias, SubpixelBits);
        if (outlined)
            Cv2.Polylines(image, [points], true, new Scalar(colour.Val0 / 2, colour.Val1 / 2, colour.Val2 / 2), 2, LineTypes.AntiAlias, SubpixelBits);
    }

    public static BoxXywh Bounds(IEnumerable<Point2f> points)
    {
        float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
        foreach (var p in points)
        {
            x1 = Math.Min(x1, p.X); y1 = Math.Min(y1, p.Y);
            x2 = Math.Max(x2, p.X); y2 = Math.Max(y2, p.Y);
        }
        return BoxXywh.FromCorners(x1, y1, x2, y2);
    }

    public static BoxXywh? Clip(BoxXywh box, int width, int height)
    {
        float x1 = Math.Max(0, box.X), y1 = Math.Max(0, box.Y), x2 = Math.Min(width, box.Right), y2 = Math.Min(height, box.Bottom);
        return x2 > x1 && y2 > y1 ? BoxXywh.FromCorners(x1, y1, x2, y2) : null;
    }

    static float IntersectionArea(BoxXywh a, BoxXywh b) =>
        Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X)) * Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y));

    static float Lerp(float a, float b, float t) => a + (b - a) * t;

    /// <summary>A saturated colour of random hue with value in [minValue, maxValue].</summary>
    static Scalar RandomColour(Random rng, double minValue, double maxValue) =>
        Colours.FromHsv(rng.Next(180), rng.Next(80, 256), 255 * (minValue + (maxValue - minValue) * rng.NextDouble()));
}
