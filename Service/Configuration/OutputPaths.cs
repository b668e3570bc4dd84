namespace ParNetDetect.Service.Configuration;

/// <summary>
/// Checks at start that this user can write every file and folder the service writes: the events file, the snapshot
/// folder (when a camera takes snapshots) and the log file. A folder given for a file, a file given for a folder, a
/// folder that cannot be created or a missing permission is a configuration error naming the field, instead of a
/// crash when a sink first opens the path. Missing folders are created, as the sinks would create them. Run with
/// the other configuration checks (<see cref="ServiceOptionsSetup"/>), so one message lists them all.
/// </summary>
public static class OutputPaths
{
    public static IReadOnlyList<string> Problems(ServiceOptions o)
    {
        var problems = new List<string>();
        void Check(string field, string? problem)
        {
            if (problem != null) problems.Add($"{ServiceOptions.SectionName}:{field}: {problem}");
        }
        if (!string.IsNullOrWhiteSpace(o.Events.JsonLinesPath))
            Check("Events:JsonLinesPath", FileProblem(o.Events.JsonLinesPath, "events.jsonl"));
        if (o.Cameras.Any(c => c.Snapshots))
            Check("Events:SnapshotDirectory", FolderProblem(o.Events.SnapshotDirectory));
        if (!string.IsNullOrWhiteSpace(o.Logging.FilePath))
            Check("Logging:FilePath", FileProblem(o.Logging.FilePath, "service-.log"));
        return problems;
    }

    static string? FileProblem(string path, string exampleName)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full) || Path.EndsInDirectorySeparator(path))
            return $"'{path}' is a folder; give a file in it, e.g. '{Path.Combine(path, exampleName)}'.";
        if (FolderProblem(Path.GetDirectoryName(full)!) is { } folder) return folder;
        if (!File.Exists(full)) return null;
        try
        {
            using var append = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"'{path}' cannot be written: {e.Message}";
        }
    }

    static string? FolderProblem(string folder)
    {
        if (File.Exists(folder)) return $"'{folder}' is a file, not a folder.";
        try
        {
            Directory.CreateDirectory(folder);
            // Writing a file is the one reliable test: permissions, ACLs, read-only mounts, systemd's ProtectSystem=.
            using var probe = new FileStream(Path.Combine(folder, $".parnet-detect-write-test-{Environment.ProcessId}"),
                FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"folder '{folder}' cannot be created or written: {e.Message}";
        }
    }
}
