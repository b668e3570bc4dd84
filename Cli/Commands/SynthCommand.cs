using System.CommandLine;
using ParNetDetect.CommandLine;
using ParNetDetect.Data;
using ParNetDetect.FileSafety;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect synth`: a synthetic COCO-format dataset of shapes, or a video of moving shapes.</summary>
public static class SynthCommand
{
    public static Command Create(CommandLineApp app)
    {
        var outDir = VerbOptions.Text("--out", "the dataset's folder (DIR/train and DIR/val)");
        var video = VerbOptions.Text("--video", "write a video of moving shapes to FILE.avi instead of a dataset");
        var images = VerbOptions.Int("--images", 200, "training images", 1, 10_000_000);
        var valImages = VerbOptions.OptionalInt("--val-images", "validation images (default: a quarter of --images)", 0, 10_000_000);
        var size = VerbOptions.Int("--size", 320, "image side in pixels", 32, 4096);
        var minObjects = VerbOptions.Int("--min-objects", 1, "fewest shapes per image", 0, 100);
        var maxObjects = VerbOptions.Int("--max-objects", 8, "most shapes per image", 0, 100);
        var frameShare = VerbOptions.Number("--frame-share", 0, "share of the dataset's images rendered at the video's --width x --height", 0, 1);
        var frames = VerbOptions.Int("--frames", 250, "video frames", 1, 1_000_000);
        var width = VerbOptions.Int("--width", SyntheticVideoWriter.DefaultWidth, "video (and video-sized images') width", 32, 8192);
        var height = VerbOptions.Int("--height", SyntheticVideoWriter.DefaultHeight, "video (and video-sized images') height", 32, 8192);
        var objects = VerbOptions.Int("--objects", 5, "moving shapes in the video", 0, 100);
        var seed = VerbOptions.Int("--seed", 0, "the same seed gives the same output");
        var force = VerbOptions.Flag("--force", "replace existing output");
        var command = new Command("synth", "synthetic shapes: a COCO-format dataset (train/val) or a demo video")
        {
            outDir, video, images, valImages, size, minObjects, maxObjects, frameShare, frames, width, height, objects, seed, force,
        };
        app.SetNotes(command, """
            The dataset has DIR/train and DIR/val, each with images/*.jpg and instances.json (COCO, category ids 1..6:
            circle, square, triangle, star, cross, hexagon). The video is MJPG with FILE.json beside it: COCO ground
            truth with one image per frame (image id = frame number from 1, as `detect predict --save-json` numbers
            them, so `coco-eval FILE.json DETS.json` scores a prediction) and each object's track_id. Images and video
            come from one scene model (backgrounds, clutter, shapes, visibility rules); `detect serve`'s demo plays
            such a video. The same seed gives the same output. Existing output is only replaced with --force.
            """);
        command.SetAction(p =>
        {
            if (p.GetValue(video) is { } file)
                return WriteVideo(file, new SyntheticVideoWriter.Options(Frames: p.GetValue(frames), Width: p.GetValue(width),
                    Height: p.GetValue(height), Seed: p.GetValue(seed), Objects: p.GetValue(objects)), p.GetValue(force));
            int trainImages = p.GetValue(images);
            return WriteDataset(p.GetValue(outDir) ?? throw new UsageException("--out is required (or --video)."), new SyntheticDatasetOptions
            {
                TrainImages = trainImages,
                ValImages = p.GetValue(valImages) ?? Math.Max(1, trainImages / 4),
                ImageSize = p.GetValue(size),
                Seed = p.GetValue(seed),
                MinObjects = p.GetValue(minObjects),
                MaxObjects = p.GetValue(maxObjects),
                FrameShare = p.GetValue(frameShare),
                FrameWidth = p.GetValue(width),
                FrameHeight = p.GetValue(height),
                Overwrite = p.GetValue(force),
            });
        });
        return command;
    }

    static int WriteVideo(string video, SyntheticVideoWriter.Options options, bool force)
    {
        var outputs = new OutputGuard(force, []);
        outputs.File(video, "--video");
        outputs.File(SyntheticVideoWriter.TruthFile(video), "--video");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int objects = SyntheticVideoWriter.Write(video, options);
        Console.WriteLine($"wrote {video}: {options.Frames} frames {options.Width}x{options.Height} MJPG, {objects} objects; " +
                          $"ground truth in {SyntheticVideoWriter.TruthFile(video)} ({clock.Elapsed.TotalSeconds:F1} s)");
        return ExitCodes.Ok;
    }

    static int WriteDataset(string outDir, SyntheticDatasetOptions dataset)
    {
        var result = SyntheticDatasetWriter.Write(outDir, dataset);
        Console.WriteLine($"wrote {outDir}: {dataset.TrainImages} train + {dataset.ValImages} val images of {dataset.ImageSize}px, " +
                          $"{result.Objects} objects, {ShapeGeometry.ClassNames.Count} classes ({string.Join(", ", ShapeGeometry.ClassNames)}) " +
                          $"in {result.Elapsed.TotalSeconds:F1} s");
        return ExitCodes.Ok;
    }
}
