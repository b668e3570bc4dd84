namespace ParNetDetect.FileSafety;

/// <summary>
/// Absolute paths with every symbolic link followed, like realpath(3), except that a path that does not exist yet
/// resolves as far as it exists (an output usually does not). ".." is taken lexically first, as the shell shows
/// paths. Resolved folders are cached, so resolving a dataset's many images costs about one lstat per file.
/// </summary>
public sealed class PathResolver
{
    /// <summary>Linux's own limit; a longer chain is a loop.</summary>
    const int MaxLinks = 40;

    readonly Dictionary<string, string> _folders = new(PathComparison.Comparer);

    public string Resolve(string path) => Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), 0);

    string Resolve(string full, int links)
    {
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) return full;   // a root
        if (!_folders.TryGetValue(parent, out string? resolvedParent))
            _folders[parent] = resolvedParent = Resolve(parent, links);
        string joined = Path.Join(resolvedParent, Path.GetFileName(full));
        string? target = new FileInfo(joined).LinkTarget;
        if (target is null) return joined;
        if (links == MaxLinks) throw new IOException($"{full}: too many levels of symbolic links.");
        return Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(target, resolvedParent)), links + 1);
    }
}

/// <summary>How paths compare: exactly on Linux; ignoring case where the usual file systems do (Windows, macOS).</summary>
public static class PathComparison
{
    public static StringComparer Comparer { get; } = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
}
