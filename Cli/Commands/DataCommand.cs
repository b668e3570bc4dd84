using System.CommandLine;
using OpenCvSharp;
using ParNetDetect.CommandLine;
using ParNetDetect.Data;
using ParNetDetect.FileSafety;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect data check|preview`: look at a dataset before training on it.</summary>
public static class DataCommand
{
    const string DataHelp = "a COCO instances .json, a COCO root (annotations/instances_<split>*.json), a YOLO data.yaml or its folder, " +
                            "or a folder made by `detect synth`";

    public static Command Create(CommandLineApp app)
    {
        var command = new Command("data", "check a dataset (images, boxes per class, problems) or preview augmented samples")
        {
            Check(app), Preview(app),
        };
        return command;
    }

    static Command Check(CommandLineApp app)
    {
        var (data, split, imagesDir) = DatasetOptions();
        var noDecode = VerbOptions.Flag("--no-decode", "read the headers only; do not decode every image");
        var strict = VerbOptions.Flag("--strict", "exit 1 on any problem");
        var command = new Command("check", "images, boxes per class and box sizes, and every problem found") { data, split, imagesDir, noDecode, strict };
        app.SetNotes(command, "Decodes every image to find corrupt files unless --no-decode; exits 1 on any problem with --strict, else 0.");
        command.SetAction(p =>
        {
            var report = DatasetReport.Create(DetectionDatasets.Open(p.GetValue(data)!, p.GetValue(split)!, p.GetValue(imagesDir)), !p.GetValue(noDecode));
            Console.WriteLine(report);
            return p.GetValue(strict) && report.Issues.Total > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }

    static Command Preview(CommandLineApp app)
    {
        var (data, split, imagesDir) = DatasetOptions();
        var outFile = VerbOptions.Text("--out", "the grid image (.jpg or .png)", required: true);
        var count = VerbOptions.Int("--count", 16, "samples in the grid", 1, 256);
        var size = VerbOptions.Int("--size", 320, "tile side in pixels", 64, 2048);
        var seed = VerbOptions.Int("--seed", 0, "which samples and augmentations");
        var noMosaic = VerbOptions.Flag("--no-mosaic", "augment without mosaic");
        var noAugment = VerbOptions.Flag("--no-augment", "letterboxed samples, no augmentation");
        var force = VerbOptions.Flag("--force", "replace an existing --out file (never a dataset file)");
        var command = new Command("preview", "a grid of training samples as the loader makes them, boxes and class names on")
        {
            data, split, imagesDir, outFile, count, size, seed, noMosaic, noAugment, force,
        };
        command.SetAction(p =>
        {
            var dataset = DetectionDatasets.Open(p.GetValue(data)!, p.GetValue(split)!, p.GetValue(imagesDir));
            string file = p.GetValue(outFile)!;
            bool augment = !p.GetValue(noAugment), mosaic = !p.GetValue(noMosaic);
            new OutputGuard(p.GetValue(force), dataset.Files).File(file, "--out");
            var augmentation = augment ? AugmentationOptions.Default with { Mosaic = mosaic } : null;
            using var grid = PreviewRenderer.Render(dataset, p.GetValue(count), p.GetValue(size), augmentation, p.GetValue(seed));
            if (!Cv2.ImWrite(file, grid)) throw new IOException($"could not write {file} (use .jpg or .png).");
            Console.WriteLine($"wrote {file}: {p.GetValue(count)} {(augment ? (mosaic ? "mosaic-augmented" : "augmented") : "letterboxed")} samples of {dataset.Source}");
            return ExitCodes.Ok;
        });
        return command;
    }

    static (Option<string?> Data, Option<string> Split, Option<string?> ImagesDir) DatasetOptions() =>
        (VerbOptions.Text("--data", DataHelp, required: true),
         VerbOptions.Text("--split", "train", "the split to read"),
         VerbOptions.Text("--images-dir", "where the images are, when not where the dataset says"));
}
