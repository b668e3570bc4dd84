using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;
using ParNetDetect.FileSafety;
using Size = OpenCvSharp.Size;

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

    /// <summary>Replace the train/ and val/ folders of an output folder that is not empty (--force).</summary>
    public bool Overwrite { get; init; }
}

/// <summary>
/// Writes a synthetic detection dataset in COCO format: <c>train/</c> and <c>val/</c>, each with
/// <c>images/*.jpg</c> and <c>instances.json</c> (category ids 1..K, so the id/index mapping is exercised).
/// Images are rendered in parallel; each from its own seed, so the output is identical for a given seed.
/// <see cref="DetectionDatasets.Open"/> reads the folder.
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
        PrepareOutput(outDir, options.Overwrite);
        var clock = Stopwatch.StartNew();
        int images = 0, objects = 0;
        for (int split = 0; split < Splits.Length; split++)
        {
            int count = split == 0 ? options.TrainImages : options.ValImages;
            string dir = Path.Combine(outDir, Splits[split]);
            Directory.CreateDirectory(Path.Combine(dir, "images"));
            var scenes = new List<SceneObject>[count];
            Parallel.For(0, count, i => scenes[i] = RenderImage(Path.Combine(dir, "images", FileName(i)), options, Seeds.Mix(options.Seed, split, i)));
            WriteInstances(Path.Combine(dir, "instances.json"), scenes, options.ImageSize);
            images += count;
            objects += scenes.Sum(s => s.Count);
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

    static List<SceneObject> RenderImage(string path, SyntheticDatasetOptions options, int seed)
    {
        var rng = new Random(seed);
        using var image = SceneRenderer.Background(options.ImageSize, options.ImageSize, rng);
        var objects = SceneRenderer.DrawShapes(image, rng, options.MinObjects, options.MaxObjects);
        if (rng.Next(4) == 0) Cv2.GaussianBlur(image, image, new Size(3, 3), 0); // some softer edges
        if (!Cv2.ImWrite(path, image, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90)))
            throw new IOException($"could not write {path}.");
        return objects;
    }

    static void WriteInstances(string path, List<SceneObject>[] scenes, int size)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteStartObject("info");
        json.WriteString("description", "ParNet Detect synthetic shapes (detect synth)");
        json.WriteEndObject();
        json.WriteStartArray("images");
        for (int i = 0; i < scenes.Length; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", i + 1);
            json.WriteString("file_name", FileName(i));
            json.WriteNumber("width", size);
            json.WriteNumber("height", size);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("annotations");
        int annotationId = 0;
        for (int i = 0; i < scenes.Length; i++)
        {
            foreach (var o in scenes[i])
            {
                json.WriteStartObject();
                json.WriteNumber("id", ++annotationId);
                json.WriteNumber("image_id", i + 1);
                json.WriteNumber("category_id", (int)o.Kind + 1);
                json.WriteStartArray("bbox");
                foreach (float v in new[] { o.Box.X, o.Box.Y, o.Box.Width, o.Box.Height }) json.WriteNumberValue(Math.Round(v, 2));
                json.WriteEndArray();
                json.WriteNumber("area", Math.Round(o.Box.Area, 2));
                json.WriteNumber("iscrowd", 0);
                json.WriteEndObject();
            }
        }
        json.WriteEndArray();
        json.WriteStartArray("categories");
        for (int c = 0; c < ShapeGeometry.ClassNames.Count; c++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", c + 1);
            json.WriteString("name", ShapeGeometry.ClassNames[c]);
            json.WriteString("supercategory", "shape");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
