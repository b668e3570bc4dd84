namespace CocoEval.Cli;

/// <summary>The optional output files; existing ones are only replaced with <c>--force</c>.</summary>
internal sealed class OutputFiles(string? jsonPath, string? plotsDirectory, bool force)
{
    /// <summary>Fails before any work when an output would overwrite something without <c>--force</c>.</summary>
    public void CheckWritable()
    {
        if (force)
            return;
        if (jsonPath is not null && File.Exists(jsonPath))
            throw new UsageException($"--json: '{jsonPath}' exists; pass --force to overwrite it");
        if (plotsDirectory is not null && Directory.Exists(plotsDirectory) &&
            Directory.EnumerateFileSystemEntries(plotsDirectory).Any())
            throw new UsageException($"--plots: directory '{plotsDirectory}' is not empty; pass --force to write into it");
    }

    public void Write(CocoEvalResult result, string groundTruthPath, string detectionsPath)
    {
        if (jsonPath is not null)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
            if (dir is not null)
                Directory.CreateDirectory(dir);
            JsonReport.Write(jsonPath, result, groundTruthPath, detectionsPath);
        }
        if (plotsDirectory is not null)
        {
            Directory.CreateDirectory(plotsDirectory);
            Plots.PlotWriter.WriteAll(plotsDirectory, result);
        }
    }
}
