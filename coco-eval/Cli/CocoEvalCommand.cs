using System.Diagnostics;
using ParNetDetect.FileSafety;

namespace CocoEval.Cli;

/// <summary><c>coco-eval GT.json DETS.json [options]</c>: pycocotools' bbox evaluation, same digits.</summary>
public static class CocoEvalCommand
{
    public const int Ok = 0;
    public const int DataError = 1;
    public const int UsageError = 2;

    /// <summary>Runs the command; the summary goes to <paramref name="stdout"/>, notes and errors to <paramref name="stderr"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Count == 1 && args[0] is "-h" or "--help")
            {
                stdout.WriteLine(CliArguments.Usage);
                return Ok;
            }
            var cli = CliArguments.Parse(args);
            var outputs = new OutputFiles(cli.JsonPath, cli.PlotsDirectory,
                new OutputGuard(cli.Force, [cli.GroundTruthPath, cli.DetectionsPath]));
            outputs.CheckWritable();

            var clock = Stopwatch.StartNew();
            var options = new CocoEvalOptions
            {
                MaxDets = cli.MaxDets,
                HeadlineAtLargestMaxDets = cli.CorrectedHeadline,
                CollectConfidenceCurves = cli.PlotsDirectory is not null,
                MaxDegreeOfParallelism = cli.Threads,
            };
            var result = new CocoEvaluator(options).EvaluateFiles(cli.GroundTruthPath, cli.DetectionsPath);

            stdout.Write(result.Summary());
            if (cli.PerClass)
                stdout.Write(PerClassTable.Format(result));
            ReportCounts(result, clock.Elapsed, stderr);
            outputs.Write(result, cli.GroundTruthPath, cli.DetectionsPath);
            return Ok;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"coco-eval: {e.Message}");
            stderr.WriteLine(CliArguments.Usage);
            return UsageError;
        }
        catch (Exception e) when (e is CocoDataException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"coco-eval: error: {e.Message}");
            return DataError;
        }
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
