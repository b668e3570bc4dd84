using OpenCvSharp;
using ParNetDetect.Data;
using ParNetDetect.FileSafety;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect data check|preview`: look at a dataset before training on it.</summary>
public sealed class DataCommand : IVerb
{
    public string Name => "data";
    public string Summary => "check a dataset (images, boxes per class, problems) or preview augmented samples";
    public string Usage =>
        """
        usage: detect data check   --data D [--split train] [--images-dir DIR] [--no-decode] [--strict]
               detect data preview --data D --out FILE.jpg [--split train] [--count 16] [--size 320]
                                   [--no-mosaic] [--no-augment] [--seed 0] [--force]

        D is a COCO instances .json, a COCO root (annotations/instances_<split>*.json), a YOLO data.yaml or its
        folder, or a folder made by `detect synth`. `check` decodes every image to find corrupt files unless
        --no-decode; it exits 1 on any problem with --strict, else 0. `preview` draws a grid of training samples as the loader makes them, boxes and class names on.
        """;

    public int Run(CommandLine args)
    {
        string action = args.Positionals.Count > 0 ? args.Positionals[0]
            : throw new UsageException("say what to do: `data check` or `data preview`.");
        string data = args.Required("data");
        string split = args.String("split", "train");
        string? imagesDir = args.String("images-dir");
        switch (action)
        {
            case "check":
                bool decode = !args.Flag("no-decode");
                bool strict = args.Flag("strict");
                args.EnsureAllUsed(maxPositionals: 1);
                var report = DatasetReport.Create(DetectionDatasets.Open(data, split, imagesDir), decode);
                Console.WriteLine(report);
                return strict && report.Issues.Total > 0 ? 1 : 0;
            case "preview":
                return Preview(args, DetectionDatasets.Open(data, split, imagesDir));
            default:
                throw new UsageException($"unknown action '{action}'; use `data check` or `data preview`.");
        }
    }

    static int Preview(CommandLine args, IDetectionDataset dataset)
    {
        string outFile = args.Required("out");
        int count = args.Int("count", 16, 1, 256);
        int size = args.Int("size", 320, 64, 2048);
        int seed = args.Int("seed", 0);
        bool mosaic = !args.Flag("no-mosaic");
        bool augment = !args.Flag("no-augment");
        bool force = args.Flag("force");
        args.EnsureAllUsed(maxPositionals: 1);
        new OutputGuard(force, dataset.Files).File(outFile, "--out");
        var augmentation = augment ? AugmentationOptions.Default with { Mosaic = mosaic } : null;
        using var grid = PreviewRenderer.Render(dataset, count, size, augmentation, seed);
        if (!Cv2.ImWrite(outFile, grid)) throw new IOException($"could not write {outFile} (use .jpg or .png).");
        Console.WriteLine($"wrote {outFile}: {count} {(augment ? (mosaic ? "mosaic-augmented" : "augmented") : "letterboxed")} samples of {dataset.Source}");
        return 0;
    }
}
