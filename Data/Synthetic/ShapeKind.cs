using OpenCvSharp;

namespace ParNetDetect.Data;

/// <summary>The classes of the synthetic dataset, in class-index order.</summary>
public enum ShapeKind { Circle, Square, Triangle, Star, Cross, Hexagon }

/// <summary>Outlines of the synthetic shapes: unit-radius polygons, rotated and scaled when placed.</summary>
public static class ShapeGeometry
{
    public static IReadOnlyList<string> ClassNames { get; } =
        Enum.GetValues<ShapeKind>().Select(k => k.ToString().ToLowerInvariant()).ToArray();

    /// <summary>The outline of <paramref name="kind"/> centred on <paramref name="centre"/> (pixels); circles are
    /// returned as a fine polygon so every shape is drawn, and boxed, the same way.</summary>
    public static Point2f[] Outline(ShapeKind kind, Point2f centre, float radius, float angle)
    {
        var unit = kind switch
        {
            ShapeKind.Circle => RegularPolygon(48, 0),
            ShapeKind.Square => RegularPolygon(4, MathF.PI / 4),
            ShapeKind.Triangle => RegularPolygon(3, -MathF.PI / 2),
            ShapeKind.Hexagon => RegularPolygon(6, 0),
            ShapeKind.Star => Star(5, 0.45f),
            ShapeKind.Cross => Cross(0.33f),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        float c = MathF.Cos(angle), s = MathF.Sin(angle);
        return unit.Select(p => new Point2f(centre.X + radius * (p.X * c - p.Y * s), centre.Y + radius * (p.X * s + p.Y * c))).ToArray();
    }

    static Point2f[] RegularPolygon(int sides, float phase) =>
        Enumerable.Range(0, sides).Select(i => Polar(1, phase + 2 * MathF.PI * i / sides)).ToArray();

    static Point2f[] Star(int points, float innerRatio) =>
        Enumerable.Range(0, 2 * points)
            .Select(i => Polar(i % 2 == 0 ? 1 : innerRatio, -MathF.PI / 2 + MathF.PI * i / points)).ToArray();

    static Point2f[] Cross(float halfArm)
    {
        float a = halfArm, b = 1;
        return
        [
            new(-a, -b), new(a, -b), new(a, -a), new(b, -a), new(b, a), new(a, a),
            new(a, b), new(-a, b), new(-a, a), new(-b, a), new(-b, -a), new(-a, -a),
        ];
    }

    static Point2f Polar(float r, float angle) => new(r * MathF.Cos(angle), r * MathF.Sin(angle));
}
