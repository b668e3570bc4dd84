using System.Globalization;
using OpenCvSharp;
using Size = OpenCvSharp.Size;

namespace ParNetDetect.Data;

/// <summary>
/// Renders one <see cref="Scene"/> frame after frame as an MJPG .avi, its shapes moving and turning in between (the
/// live service's demo input, `detect synth --video`), and writes its ground truth beside it: <c>FILE.json</c>, a
/// COCO instances file with one image per frame (image id = frame number, counting from 1, the numbering of
/// `detect predict --save-json`) and each object's <c>track_id</c>. Reproducible by seed.
/// </summary>
public static class SyntheticVideoWriter
{
    public const int DefaultWidth = 640, DefaultHeight = 480;

    public sealed record Options(int Frames = 250, int Width = DefaultWidth, int Height = DefaultHeight, double Fps = 25,
        int Seed = 0, int Objects = 5);

    /// <summary>The ground truth written beside a video: FILE.avi -> FILE.json.</summary>
    public static string TruthFile(string video) => Path.ChangeExtension(video, ".json");

    /// <summary>Writes the video and its ground truth; returns the number of objects (tracks) it holds.</summary>
    public static int Write(string file, Options options)
    {
        if (!file.EndsWith(".avi", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{file}: the video is written as MJPG, use an .avi file name.");
        var rng = new Random(options.Seed);
        using var scene = Scene.Generate(options.Width, options.Height, rng, options.Objects, options.Objects);
        var frames = new List<SyntheticImage>(options.Frames);
        using (var writer = new VideoWriter(file, FourCC.MJPG, options.Fps, new Size(options.Width, options.Height)))
        using (var frame = new Mat())
        {
            if (!writer.IsOpened()) throw new IOException($"could not open {file} for writing (MJPG).");
            for (int f = 1; f <= options.Frames; f++)
            {
                var objects = scene.Render(frame);
                writer.Write(frame);
                frames.Add(new SyntheticImage(f, f.ToString(CultureInfo.InvariantCulture), options.Width, options.Height, objects));
                scene.Step();
            }
        }
        SyntheticCocoFile.Write(TruthFile(file), string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(file)} (detect synth --video, seed {options.Seed}): {options.Frames} frames at {options.Fps} fps, image id = frame number"),
            frames, trackIds: true);
        return scene.Count;
    }
}
