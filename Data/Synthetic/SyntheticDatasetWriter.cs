using System.Diagnostics;
using OpenCvSharp;
using ParNetDetect.FileSafety;

namespace ParNetDetect.Data;

/// <summary>What <see cref="SyntheticDatasetWriter"/> makes.</summary>
public sealed record SyntheticDatasetOptions
{
    public int TrainImages { get; init; } = 200;
    public int ValImages { get; init; } = 50;
    public int ImageSize { get; init; } = 320;
    public int Seed { get; init; }
    public int MinObjects { get; init; } = 1;
    public int MaxObjects { get; init; } = 8;

    /// <summary>Share of the images rendered at a video's frame size (<see cref="FrameWidth"/> x
    /// <see cref="FrameHeight"/>) instead of square: the letterbox bands and scale the detector meets on video.</summary>
    public double FrameShare { get; init; }
    public int FrameWidth { get; init; } = SyntheticVideoWriter.DefaultWidth;
    public int FrameHeight { get; init; } = SyntheticVideoWriter.DefaultHeight;

    /// <summary>Replace the train/ and val/ folders of an output folder that is not empty (--force).</summary>
    public bool Overwrite { get; init; }
}

/// <summary>
/// Writes a synthetic detection dataset in COCO format: <c>train/</c> and <c>val/</c>, each with
/// <c>images/*.jpg</c> and <c>instances.json</c> (<see cref="SyntheticCocoFile"/>). Each image is a
/// <see cref="Scene"/> rendered once, the scene model of the video. Images are rendered in parallel, each from its
/// own seed, so the output is identical for a given seed. <see cref="DetectionDatasets.Open"/> reads the folder.
/// </summary>
public static class SyntheticDatasetWriter
{
    public static readonly string[] Splits = ["train", "val"];

    public sealed record Result(int Images, int Objects, TimeSpan Elapsed);

    public static Result Write(string outDir, SyntheticDatasetOptions options)
    {
        if (options.ImageSize < 32) throw new ArgumentException($"image size must be at least 32 (got {options.ImageSize}).");
        if (options.MinObjects < 0 || options.MaxObjects < options.MinObjects)
            throw new ArgumentException($"objects per image must satisfy 0 <= min <= max (got {options.MinObjects}..{options.MaxObjects}).");
        if (options.FrameShare is < 0 or > 1 || double.IsNaN(options.FrameShare))
            throw new ArgumentException($"the share of video-sized frames must be in [0, 1] (got {options.FrameShare}).");
        PrepareOutput(outDir, options.Overwrite);
        var clock = Stopwatch.StartNew();
        int images = 0, objects = 0;
        for (int split = 0; split < Splits.Length; split++)
        {
            int count = split == 0 ? options.TrainImages : options.ValImages;
            string dir = Path.Combine(outDir, Splits[split]);
            Directory.CreateDirectory(Path.Combine(dir, "images"));
            var rendered = new SyntheticImage[count];
            Parallel.For(0, count, i => rendered[i] = RenderImage(dir, i, options, Seeds.Mix(options.Seed, split, i)));
            SyntheticCocoFile.Write(Path.Combine(dir, "instances.json"), "ParNet Detect synthetic shapes (detect synth)", rendered, trackIds: false);
            images += count;
            objects += rendered.Sum(r => r.Objects.Count);
        }
        return new Result(images, objects, clock.Elapsed);
    }

    static void PrepareOutput(string outDir, bool overwrite)
    {
        // Nothing is read, so there is no input to protect: the folder rule is the whole check.
        new OutputGuard(overwrite, []).Folder(outDir, "--out");
        foreach (string split in Splits)
        {
            string dir = Path.Combine(outDir, split);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(outDir);
    }

    static string FileName(int index) => $"{index:D6}.jpg";

    static SyntheticImage RenderImage(string dir, int index, SyntheticDatasetOptions options, int seed)
    {
        var rng = new Random(seed);
        bool frame = rng.NextDouble() < options.FrameShare;
        int width = frame ? options.FrameWidth : options.ImageSize, height = frame ? options.FrameHeight : options.ImageSize;
        using var scene = Scene.Generate(width, height, rng, options.MinObjects, options.MaxObjects);
        using var image = new Mat();
        var objects = scene.Render(image);
        string path = Path.Combine(dir, "images", FileName(index));
        if (!Cv2.ImWrite(path, image, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90)))
            throw new IOException($"could not write {path}.");
        return new SyntheticImage(index + 1, FileName(index), width, height, objects);
    }
}
