using OpenCvSharp;
using Size = OpenCvSharp.Size;

namespace ParNetDetect.Data;

/// <summary>An object in a rendered frame: the shape's index in its scene (a track id across a video's frames), its
/// class and its visible box in pixels.</summary>
public readonly record struct SceneObject(int Id, ShapeKind Kind, BoxXywh Box);

/// <summary>
/// The one scene model of the synthetic data: a <see cref="Backdrop"/> (with <see cref="Clutter"/>), shapes of one
/// <see cref="ShapeAppearance"/> distribution placed under the <see cref="SceneRules"/>, and a camera that blurs some
/// scenes a little. A dataset image is a scene rendered once; a video renders one scene frame after frame,
/// <see cref="Step"/> moving and turning its shapes in between: they bounce off the frame's edges and off each other
/// exactly where the rules would be broken, so every frame obeys the rules the stills do. Everything random comes
/// from the <see cref="Random"/> given, so a scene is reproducible from its seed.
/// </summary>
public sealed class Scene : IDisposable
{
    /// <summary>Raised whenever a seed renders something else, so a cached demo video of an older model is redrawn.</summary>
    public const int Version = 2;

    /// <summary>Most pixels per frame a shape travels and radians it turns, in units of a 320-pixel short side.</summary>
    const float MaxSpeed = 4, MaxSpin = 0.05f;

    readonly Mat _backdrop;
    readonly List<Shape> _shapes;
    readonly int _blur;

    Scene(Mat backdrop, List<Shape> shapes, int blur)
    {
        _backdrop = backdrop;
        _shapes = shapes;
        _blur = blur;
    }

    public int Width => _backdrop.Cols;
    public int Height => _backdrop.Rows;
    public int Count => _shapes.Count;

    /// <summary>A random scene of <paramref name="minObjects"/> to <paramref name="maxObjects"/> shapes (fewer when
    /// they do not fit under the rules).</summary>
    public static Scene Generate(int width, int height, Random rng, int minObjects, int maxObjects)
    {
        var backdrop = Backdrop.Render(width, height, rng);
        int shortSide = Math.Min(width, height);
        float unit = shortSide / Backdrop.ReferenceSide;
        int wanted = rng.Next(minObjects, maxObjects + 1);
        var shapes = new List<Shape>();
        for (int attempt = 0; shapes.Count < wanted && attempt < wanted * 10; attempt++)
        {
            var look = ShapeAppearance.Random(rng, shortSide);
            var shape = new Shape(look, new Point2f(width * rng.NextSingle(), height * rng.NextSingle()), rng.NextSingle() * 2 * MathF.PI);
            if (shape.Visible(width, height) is not { } box || shapes.Any(s => SceneRules.Hides(box, s.Box))) continue;
            shape.Box = box;
            float speed = unit * MaxSpeed * rng.NextSingle(), heading = rng.NextSingle() * 2 * MathF.PI;
            shape.Velocity = new Point2f(speed * MathF.Cos(heading), speed * MathF.Sin(heading));
            shape.Spin = MaxSpin * (2 * rng.NextSingle() - 1);
            shapes.Add(shape);
        }
        // Some scenes slightly out of focus; the kernel grows with the frame so it blurs the same after letterboxing.
        int blur = rng.Next(4) == 0 ? 2 * (int)MathF.Round(unit) + 1 : 0;
        return new Scene(backdrop, shapes, blur);
    }

    /// <summary>Draws the scene as it is now into <paramref name="frame"/>; returns its objects, in drawing order.</summary>
    public List<SceneObject> Render(Mat frame)
    {
        _backdrop.CopyTo(frame);
        var objects = new List<SceneObject>(_shapes.Count);
        for (int i = 0; i < _shapes.Count; i++)
        {
            var s = _shapes[i];
            s.Look.Draw(frame, s.Outline());
            objects.Add(new SceneObject(i, s.Look.Kind, s.Box));
        }
        if (_blur > 0) Cv2.GaussianBlur(frame, frame, new Size(_blur, _blur), 0);
        return objects;
    }

    /// <summary>
    /// Moves and turns every shape by one frame. A move that would break a rule is not made: the shape turns back
    /// (off an edge: the velocity's outward part; off another shape: all of it, and the spin), so the rules hold in
    /// every frame and no shape gets stuck in a wall or another shape.
    /// </summary>
    public void Step()
    {
        for (int i = 0; i < _shapes.Count; i++)
        {
            var s = _shapes[i];
            var moved = new Shape(s.Look, new Point2f(s.Centre.X + s.Velocity.X, s.Centre.Y + s.Velocity.Y), s.Angle + s.Spin);
            var box = moved.Visible(Width, Height);
            if (box is { } b && !_shapes.Where((other, j) => j < i ? SceneRules.Hides(b, other.Box) : j > i && SceneRules.Hides(other.Box, b)).Any())
            {
                (s.Centre, s.Angle, s.Box) = (moved.Centre, moved.Angle, b);
                continue;
            }
            var whole = moved.Whole();
            bool outX = whole.X < 0 && s.Velocity.X < 0 || whole.Right > Width && s.Velocity.X > 0;
            bool outY = whole.Y < 0 && s.Velocity.Y < 0 || whole.Bottom > Height && s.Velocity.Y > 0;
            if (box is null && (outX || outY))
                s.Velocity = new Point2f(outX ? -s.Velocity.X : s.Velocity.X, outY ? -s.Velocity.Y : s.Velocity.Y);
            else
                (s.Velocity, s.Spin) = (new Point2f(-s.Velocity.X, -s.Velocity.Y), -s.Spin);
        }
    }

    public void Dispose() => _backdrop.Dispose();

    /// <summary>A shape's look, pose and motion; <see cref="Box"/> is its visible box in the current pose.</summary>
    sealed class Shape(ShapeAppearance look, Point2f centre, float angle)
    {
        public ShapeAppearance Look { get; } = look;
        public Point2f Centre { get; set; } = centre;
        public float Angle { get; set; } = angle;
        public Point2f Velocity { get; set; }
        public float Spin { get; set; }
        public BoxXywh Box { get; set; }

        public Point2f[] Outline() => Look.Outline(Centre, Angle);
        public BoxXywh Whole() => SceneRules.Bounds(Outline());
        public BoxXywh? Visible(int width, int height) => SceneRules.VisiblePart(Whole(), width, height);
    }
}
