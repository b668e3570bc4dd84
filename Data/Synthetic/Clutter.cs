using OpenCvSharp;

namespace ParNetDetect.Data;

/// <summary>
/// Things in a scene that are no class: lines, arcs, scribbles, elongated bars and ellipses, drawn in the shapes'
/// colours on the backdrop. In a video they stand still like furniture; the detector learns to leave them alone
/// rather than to call every edge or crossing a shape. None is a filled regular polygon or a plus, so none can pass
/// for a class.
/// </summary>
public static class Clutter
{
    public const int MaxItems = 6;

    /// <summary>Draws 0 to <see cref="MaxItems"/> items; lengths in units of a 320-pixel short side.</summary>
    public static void Draw(Mat image, Random rng, float unit)
    {
        int width = image.Cols, height = image.Rows;
        int items = rng.Next(MaxItems + 1);
        for (int i = 0; i < items; i++)
        {
            var colour = Colours.Random(rng, 0.1, 0.9);
            var centre = new Point(rng.Next(width), rng.Next(height));
            float size = unit * ReferenceLength(rng, 10, 160);
            int thickness = Math.Max(1, (int)MathF.Round(unit * rng.Next(1, 5)));
            double angle = rng.NextDouble() * 180;
            switch (rng.Next(5))
            {
                case 0: // a straight line, like an edge or a cable
                    var d = new Point2d(Math.Cos(angle * Math.PI / 180), Math.Sin(angle * Math.PI / 180)) * size;
                    Cv2.Line(image, new Point(centre.X - d.X, centre.Y - d.Y), new Point(centre.X + d.X, centre.Y + d.Y), colour, thickness, LineTypes.AntiAlias);
                    break;
                case 1: // an open arc
                    int start = rng.Next(360);
                    Cv2.Ellipse(image, centre, new Size(size, size * (0.3 + 0.7 * rng.NextDouble())), angle, start,
                        start + rng.Next(60, 220), colour, thickness, LineTypes.AntiAlias);
                    break;
                case 2: // a scribble: an open polyline
                    var points = Enumerable.Range(0, rng.Next(3, 7))
                        .Select(_ => new Point(centre.X + (rng.NextDouble() - 0.5) * 2 * size, centre.Y + (rng.NextDouble() - 0.5) * 2 * size))
                        .ToArray();
                    Cv2.Polylines(image, [points], false, colour, thickness, LineTypes.AntiAlias);
                    break;
                case 3: // a filled ellipse at least 2.5 times as long as wide (never a circle)
                    Cv2.Ellipse(image, centre, new Size(size / 2, size / 2 * (0.1 + 0.3 * rng.NextDouble())), angle, 0, 360,
                        colour, -1, LineTypes.AntiAlias);
                    break;
                default: // a filled bar, as long: never a square, and alone never a cross
                    var bar = new RotatedRect(new Point2f(centre.X, centre.Y), new Size2f(size, size * (0.1 + 0.3 * rng.NextDouble())), (float)angle);
                    Cv2.FillConvexPoly(image, bar.Points().Select(p => new Point((int)MathF.Round(p.X), (int)MathF.Round(p.Y))).ToArray(),
                        colour, LineTypes.AntiAlias);
                    break;
            }
        }
    }

    /// <summary>Log-uniform between two lengths of the reference frame.</summary>
    static float ReferenceLength(Random rng, float min, float max) =>
        MathF.Exp(float.Lerp(MathF.Log(min), MathF.Log(max), rng.NextSingle()));
}
