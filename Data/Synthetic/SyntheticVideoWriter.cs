using System.Text.Json;
using OpenCvSharp;
using Size = OpenCvSharp.Size;

namespace ParNetDetect.Data;

/// <summary>
/// Renders moving, turning shapes over a textured background as an MJPG .avi (the live service's demo input),
/// plus <c>FILE.gt.jsonl</c>: one line per frame with each shape's track id, class and box, for checking a
/// detector and tracker against truth. Shapes bounce off the frame edges. Reproducible by seed.
/// </summary>
public static class SyntheticVideoWriter
{
    public sealed record Options(int Frames = 250, int Width = 640, int Height = 480, double Fps = 25, int Seed = 0, int Objects = 5);

    /// <summary>The truth file written beside a video.</summary>
    public static string TruthFile(string video) => video + ".gt.jsonl";

    sealed class Mover
    {
        public ShapeKind Kind;
        public float X, Y, VX, VY, Radius, Angle, Spin;
        public Scalar Colour;
    }

    public static void Write(string file, Options options)
    {
        if (!file.EndsWith(".avi", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{file}: the video is written as MJPG, use an .avi file name.");
        var rng = new Random(options.Seed);
        using var background = SceneRenderer.Background(options.Width, options.Height, rng);
        float shortSide = Math.Min(options.Width, options.Height);
        var movers = Enumerable.Range(0, options.Objects).Select(i => new Mover
        {
            Kind = (ShapeKind)(i % ShapeGeometry.ClassNames.Count),
            Radius = shortSide * (0.06f + 0.1f * rng.NextSingle()),
            X = options.Width * rng.NextSingle(), Y = options.Height * rng.NextSingle(),
            VX = shortSide * (rng.NextSingle() - 0.5f) * 0.03f, VY = shortSide * (rng.NextSingle() - 0.5f) * 0.03f,
            Angle = rng.NextSingle() * 6.28f, Spin = (rng.NextSingle() - 0.5f) * 0.1f,
            Colour = new Scalar(rng.Next(256), rng.Next(256), rng.Next(256)),
        }).ToList();

        using var writer = new VideoWriter(file, FourCC.MJPG, options.Fps, new Size(options.Width, options.Height));
        if (!writer.IsOpened()) throw new IOException($"could not open {file} for writing (MJPG).");
        using var truth = new StreamWriter(TruthFile(file));
        using var frame = new Mat();
        for (int f = 0; f < options.Frames; f++)
        {
            background.CopyTo(frame);
            var objects = new List<object>();
            for (int id = 0; id < movers.Count; id++)
            {
                var m = movers[id];
                var outline = ShapeGeometry.Outline(m.Kind, new Point2f(m.X, m.Y), m.Radius, m.Angle);
                SceneRenderer.Draw(frame, outline, m.Colour, outlined: false);
                if (SceneRenderer.Clip(SceneRenderer.Bounds(outline), options.Width, options.Height) is { } box)
                    objects.Add(new { id, @class = ShapeGeometry.ClassNames[(int)m.Kind], bbox = new[] { Round(box.X), Round(box.Y), Round(box.Width), Round(box.Height) } });
                Move(m, options.Width, options.Height);
            }
            writer.Write(frame);
            truth.WriteLine(JsonSerializer.Serialize(new { frame = f, objects }));
        }
    }

    static void Move(Mover m, int width, int height)
    {
        m.X += m.VX; m.Y += m.VY; m.Angle += m.Spin;
        if (m.X < m.Radius && m.VX < 0 || m.X > width - m.Radius && m.VX > 0) m.VX = -m.VX;
        if (m.Y < m.Radius && m.VY < 0 || m.Y > height - m.Radius && m.VY > 0) m.VY = -m.VY;
    }

    static double Round(float v) => Math.Round(v, 1);
}
