using System.Globalization;

namespace CocoEval.Cli;

/// <summary>The parsed command line of <c>coco-eval GT.json DETS.json [options]</c>.</summary>
internal sealed record CliArguments(string GroundTruthPath, string DetectionsPath)
{
    public const string Usage = """
        usage: coco-eval GT.json DETS.json [--per-class] [--json OUT] [--plots DIR] [--max-dets 1,10,100]
                         [--corrected-headline] [--threads N] [--force]

          GT.json              COCO instances file (images, annotations, categories)
          DETS.json            COCO results array (as pycocotools loadRes takes) or an object with 'annotations'
          --per-class          also print AP, AP50, AP75 and AR per category
          --json OUT           write stats, per-category results and counts to OUT
          --plots DIR          write precision-recall and F1-vs-confidence curves (PNG) into DIR
          --max-dets A,B,C     detections kept per image and category (default 1,10,100)
          --corrected-headline read the first AP line at the largest maxDets; pycocotools always reads it at 100
          --threads N          worker threads (default: all cores)
          --force              replace an existing --json file, write into a non-empty DIR (never over GT or DETS)

        exit codes: 0 ok, 1 bad data (unreadable or malformed input), 2 bad command line
        """;

    public bool PerClass { get; init; }
    public string? JsonPath { get; init; }
    public string? PlotsDirectory { get; init; }
    public IReadOnlyList<int> MaxDets { get; init; } = [1, 10, 100];
    public bool CorrectedHeadline { get; init; }
    public int Threads { get; init; } = -1;
    public bool Force { get; init; }

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        bool perClass = false, corrected = false, force = false;
        string? json = null, plots = null;
        IReadOnlyList<int> maxDets = [1, 10, 100];
        int threads = -1;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--per-class": perClass = true; break;
                case "--corrected-headline": corrected = true; break;
                case "--force": force = true; break;
                case "--json": json = Value(args, ref i); break;
                case "--plots": plots = Value(args, ref i); break;
                case "--max-dets": maxDets = ParseMaxDets(Value(args, ref i)); break;
                case "--threads": threads = ParsePositive(Value(args, ref i), "--threads"); break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                        throw new UsageException($"unknown option '{arg}'");
                    positional.Add(arg);
                    break;
            }
        }
        if (positional.Count != 2)
            throw new UsageException($"expected GT.json and DETS.json, got {positional.Count} file argument(s)");
        return new CliArguments(positional[0], positional[1])
        {
            PerClass = perClass, JsonPath = json, PlotsDirectory = plots, MaxDets = maxDets,
            CorrectedHeadline = corrected, Threads = threads, Force = force,
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || (args[i + 1].StartsWith("--") && args[i + 1].Length > 2))
            throw new UsageException($"option '{args[i]}' needs a value");
        return args[++i];
    }

    private static int[] ParseMaxDets(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => ParsePositive(p, "--max-dets")).ToArray();
        if (values.Length != 3 || values.Distinct().Count() != 3)
            throw new UsageException($"--max-dets needs three distinct positive integers like 1,10,100, got '{text}'");
        return values;
    }

    private static int ParsePositive(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new UsageException($"{option}: '{text}' is not a positive integer");
}
