namespace CocoEval.Cli.Plots;

internal static class PlotWriter
{
    public static void WriteAll(string directory, CocoEvalResult result) => _ = (directory, result);
}
