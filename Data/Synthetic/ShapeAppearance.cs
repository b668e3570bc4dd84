using OpenCvSharp;

namespace ParNetDetect.Data;

/// <summary>
/// How one shape looks: its class, size, colour and border. Stills and video draw it from one distribution, sizes in
/// proportion to the frame's short side, so a shape looks the same to the detector whatever the frame size.
/// </summary>
public sealed record ShapeAppearance(ShapeKind Kind, float Radius, Scalar Colour, bool Outlined)
{
    /// <summary>Radii, as a share of the short side: log-uniform from tiny to a third of the frame.</summary>
    public const float MinRadius = 0.035f, MaxRadius = 0.3f;

    public static ShapeAppearance Random(Random rng, int shortSide)
    {
        var kind = (ShapeKind)rng.Next(ShapeGeometry.ClassNames.Count);
        float radius = shortSide * MathF.Exp(float.Lerp(MathF.Log(MinRadius), MathF.Log(MaxRadius), rng.NextSingle()));
        return new ShapeAppearance(kind, radius, Colours.Random(rng, 0.05, 1), Outlined: rng.Next(3) == 0);
    }

    public Point2f[] Outline(Point2f centre, float angle) => ShapeGeometry.Outline(Kind, centre, Radius, angle);

    public void Draw(Mat image, Point2f[] outline) => ShapePainter.Fill(image, outline, Colour, Outlined);
}
