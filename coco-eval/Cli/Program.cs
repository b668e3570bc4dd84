using System.Diagnostics;
using CocoEval;
using CocoEval.Cli;

// coco-eval GT.json DETS.json: pycocotools' bbox evaluation, same digits, streamed and parallel.
try
{
    var cli = CliArguments.Parse(args);
    var outputs = new OutputFiles(cli.JsonPath, cli.PlotsDirectory, cli.Force);
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

    Console.Out.Write(result.Summary());
    if (cli.PerClass)
        Console.Out.Write(PerClassTable.Format(result));
    ReportCounts(result, clock.Elapsed);
    outputs.Write(result, cli.GroundTruthPath, cli.DetectionsPath);
    return 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"coco-eval: {e.Message}");
    Console.Error.WriteLine(CliArguments.Usage);
    return 2;
}
catch (CocoDataException e)
{
    Console.Error.WriteLine($"coco-eval: error: {e.Message}");
    return 1;
}
catch (IOException e)
{
    Console.Error.WriteLine($"coco-eval: error: {e.Message}");
    return 1;
}

static void ReportCounts(CocoEvalResult result, TimeSpan elapsed)
{
    var c = result.Counts;
    if (c.UnknownCategoryDetectionCount > 0)
    {
        string ids = string.Join(", ", c.UnknownCategoryDetections.Select(p => $"{p.Key} ({p.Value})"));
        Console.Error.WriteLine(
            $"coco-eval: warning: {c.UnknownCategoryDetectionCount} detection(s) have category ids not in the ground truth, left out as pycocotools does: {ids}");
    }
    Console.Error.WriteLine(
        $"coco-eval: {c.Images} images, {c.GtAnnotations} GT annotations, {c.Detections} detections, {result.Categories.Count} categories; {elapsed.TotalSeconds:F2} s");
}
