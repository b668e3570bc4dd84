using ParNetDetect.Data;
using ParNetDetect.FileSafety;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect synth`: a synthetic COCO-format dataset of shapes, or a video of moving shapes.</summary>
public sealed class SynthCommand : IVerb
{
    public string Name => "synth";
    public string Summary => "synthetic shapes: a COCO-format dataset (train/val) or a demo video";
    public string Usage =>
        """
        usage: detect synth --out DIR [--images 200] [--val-images N/4] [--size 320] [--seed 0]
                            [--min-objects 1] [--max-objects 8] [--force]
               detect synth --video FILE.avi [--frames 250] [--width 640] [--height 480] [--objects 5] [--seed 0] [--force]

        The dataset has DIR/train and DIR/val, each with images/*.jpg and instances.json (COCO, category ids 1..6:
        circle, square, triangle, star, cross, hexagon). The video is MJPG with FILE.avi.gt.jsonl beside it (boxes per
        frame). The same seed gives the same output. Existing output is only replaced with --force.
        """;

    public int Run(CommandLine args)
    {
        string? video = args.String("video");
        int seed = args.Int("seed", 0);
        bool force = args.Flag("force");
        if (video != null)
        {
            var options = new SyntheticVideoWriter.Options(
                Frames: args.Int("frames", 250, 1, 1_000_000), Width: args.Int("width", 640, 32, 8192),
                Height: args.Int("height", 480, 32, 8192), Seed: seed, Objects: args.Int("objects", 5, 0, 100));
            args.EnsureAllUsed();
            var outputs = new OutputGuard(force, []);
            outputs.File(video, "--video");
            outputs.File(SyntheticVideoWriter.TruthFile(video), "--video");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            SyntheticVideoWriter.Write(video, options);
            Console.WriteLine($"wrote {video}: {options.Frames} frames {options.Width}x{options.Height} MJPG, truth in {SyntheticVideoWriter.TruthFile(video)} ({clock.Elapsed.TotalSeconds:F1} s)");
            return 0;
        }

        string outDir = args.Required("out");
        int images = args.Int("images", 200, 1, 10_000_000);
        var dataset = new SyntheticDatasetOptions
        {
            TrainImages = images,
            ValImages = args.Int("val-images", Math.Max(1, images / 4), 0, 10_000_000),
            ImageSize = args.Int("size", 320, 32, 4096),
            Seed = seed,
            MinObjects = args.Int("min-objects", 1, 0, 100),
            MaxObjects = args.Int("max-objects", 8, 0, 100),
            Overwrite = force,
        };
        args.EnsureAllUsed();
        var result = SyntheticDatasetWriter.Write(outDir, dataset);
        Console.WriteLine($"wrote {outDir}: {dataset.TrainImages} train + {dataset.ValImages} val images of {dataset.ImageSize}px, " +
                          $"{result.Objects} objects, {ShapeGeometry.ClassNames.Count} classes ({string.Join(", ", ShapeGeometry.ClassNames)}) " +
                          $"in {result.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
