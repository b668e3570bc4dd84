using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ParNetDetect.CommandLine;
using ParNetDetect.FileSafety;

namespace CocoEval.Cli;

/// <summary><c>coco-eval GT.json DETS.json [options]</c>: pycocotools' bbox evaluation, same digits.</summary>
public static class CocoEvalCommand
{
    public const int Ok = ExitCodes.Ok;
    public const int DataError = ExitCodes.Failure;
    public const int UsageError = ExitCodes.Usage;

    /// <summary>Runs the command; the summary goes to <paramref name="stdout"/>, notes and errors to <paramref name="stderr"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var app = new CommandLineApp("coco-eval", "COCO bbox AP with pycocotools' exact numbers.",
            e => e is CocoDataException or IOException or UnauthorizedAccessException);
        var groundTruth = new Argument<string>("GT.json") { Description = "COCO instances file (images, annotations, categories)" };
        var detections = new Argument<string>("DETS.json")
        {
            Description = "COCO results array (as pycocotools loadRes takes) or an object with 'annotations'",
        };
        var perClass = VerbOptions.Flag("--per-class", "also print AP, AP50, AP75 and AR per category");
        var json = VerbOptions.Text("--json", "write the metrics (stats, per-category results and counts) to OUT");
        json.HelpName = "OUT";
        var plots = VerbOptions.Text("--plots", "write precision-recall and F1-vs-confidence curves (PNG) into DIR");
        plots.HelpName = "DIR";
        var maxDets = new Option<int[]>("--max-dets")
        {
            Description = "detections kept per image and category",
            DefaultValueFactory = _ => [1, 10, 100],
            CustomParser = r => ParseMaxDets(r.Tokens.Count > 0 ? r.Tokens[0].Value : "", r.AddError),
            HelpName = "A,B,C",
        };
        var corrected = VerbOptions.Flag("--corrected-headline", "read the first AP line at the largest maxDets; pycocotools always reads it at 100");
        var threads = VerbOptions.Int("--threads", -1, "worker threads (default: all cores)", 1);
        var force = VerbOptions.Flag("--force", "replace an existing --json file, write into a non-empty DIR (never over GT or DETS)");
        var root = app.Root;
        root.Arguments.Add(groundTruth);
        root.Arguments.Add(detections);
        foreach (var option in new Option[] { perClass, json, plots, maxDets, corrected, threads, force })
            root.Options.Add(option);
        app.SetNotes(root, "exit codes: 0 ok, 1 bad data (unreadable or malformed input), 2 bad command line");
        root.SetAction(p => Evaluate(p.GetValue(groundTruth)!, p.GetValue(detections)!, new CocoEvalOptions
        {
            MaxDets = p.GetValue(maxDets)!,
            HeadlineAtLargestMaxDets = p.GetValue(corrected),
            CollectConfidenceCurves = p.GetValue(plots) is not null,
            MaxDegreeOfParallelism = p.GetValue(threads),
        }, p.GetValue(perClass), p.GetValue(json), p.GetValue(plots), p.GetValue(force), stdout, stderr));
        return app.Run(args, stdout, stderr);
    }

    private static int Evaluate(string groundTruthPath, string detectionsPath, CocoEvalOptions options, bool perClass,
        string? jsonPath, string? plotsDirectory, bool force, TextWriter stdout, TextWriter stderr)
    {
        var outputs = new OutputFiles(jsonPath, plotsDirectory, new OutputGuard(force, [groundTruthPath, detectionsPath]));
        outputs.CheckWritable();
        var clock = Stopwatch.StartNew();
        var result = new CocoEvaluator(options).EvaluateFiles(groundTruthPath, detectionsPath);
        stdout.Write(result.Summary());
        if (perClass)
            stdout.Write(PerClassTable.Format(result));
        ReportCounts(result, clock.Elapsed, stderr);
        outputs.Write(result, groundTruthPath, detectionsPath);
        return Ok;
    }

    private static int[] ParseMaxDets(string text, Action<string> error)
    {
        var values = text.Split(',', StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : -1).ToArray();
        if (values.Length == 3 && values.All(v => v > 0) && values.Distinct().Count() == 3)
            return values;
        error($"--max-dets needs three distinct positive integers like 1,10,100, got '{text}'");
        return [1, 10, 100];
    }

    private static void ReportCounts(CocoEvalResult result, TimeSpan elapsed, TextWriter stderr)
    {
        var c = result.Counts;
        if (c.UnknownCategoryDetectionCount > 0)
        {
            string ids = string.Join(", ", c.UnknownCategoryDetections.Select(p => $"{p.Key} ({p.Value}x)"));
            stderr.WriteLine($"coco-eval: warning: {c.UnknownCategoryDetectionCount} detection(s) have category ids " +
                             $"not in the ground truth and were left out, as pycocotools does: {ids}");
        }
        stderr.WriteLine($"coco-eval: {c.Images} images, {c.GtAnnotations} GT annotations, {c.Detections} detections, " +
                         $"{result.Categories.Count} categories; {elapsed.TotalSeconds:F2} s");
    }
}
