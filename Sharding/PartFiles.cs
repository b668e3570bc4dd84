namespace ParNetDetect.Sharding;

/// <summary>
/// The part files of a sharded run, given in shard order (the i-th file is shard i/n). A merge checks them all
/// before reading any, so a failed or unfinished task is reported as the shard it was, never merged into partial
/// numbers.
/// </summary>
public static class PartFiles
{
    /// <summary>Throws <see cref="FileNotFoundException"/> naming every missing shard and its file.</summary>
    public static void RequireAll(IReadOnlyList<string> files)
    {
        var missing = files.Select((f, i) => (File: f, Shard: new Shard(i + 1, files.Count))).Where(p => !File.Exists(p.File)).ToList();
        if (missing.Count == 0) return;
        string which = string.Join(", ", missing.Select(m => $"shard {m.Shard} ({m.File})"));
        bool one = missing.Count == 1;
        throw new FileNotFoundException(
            $"{missing.Count} of {files.Count} parts {(one ? "is" : "are")} missing: {which}; {(one ? "its task has" : "their tasks have")} " +
            "failed or not finished. Nothing was merged.");
    }
}
