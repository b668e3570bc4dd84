using ParNetDetect.FileSafety;

namespace CocoEval.Cli;

/// <summary>The optional output files, under the project's overwrite rule (<see cref="OutputGuard"/>).</summary>
internal sealed class OutputFiles(string? jsonPath, string? plotsDirectory, OutputGuard guard)
{
    /// <summary>Fails before any work when an output exists without <c>--force</c> or is an input.</summary>
    public void CheckWritable()
    {
        if (jsonPath is not null)
            guard.File(jsonPath, "--json");
        if (plotsDirectory is not null)
            guard.Folder(plotsDirectory, "--plots");
    }

    /// <summary>Plots first: their names depend on the categories, so they are checked only now, before anything is written.</summary>
    public void Write(CocoEvalResult result, string groundTruthPath, string detectionsPath)
    {
        if (plotsDirectory is not null)
            Plots.PlotWriter.WriteAll(plotsDirectory, result, guard);
        if (jsonPath is not null)
            MetricsJson.Write(jsonPath, result,
                new Dictionary<string, string> { ["ground_truth"] = groundTruthPath, ["detections"] = detectionsPath });
    }
}
