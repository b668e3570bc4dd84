namespace ParNetDetect.Data;

/// <summary>
/// The live demo's input: a looping video of moving shapes (the classes the bundled demo model knows), rendered by
/// <see cref="SyntheticVideoWriter"/> (the renderer of `detect synth --video`) on first use into the user's cache
/// folder.
/// </summary>
public static class DemoVideo
{
    public static readonly SyntheticVideoWriter.Options Options = new(Frames: 500, Seed: 7);

    /// <summary>$XDG_CACHE_HOME (or ~/.cache)/parnet-detect/demo-shapes.avi.</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "parnet-detect", "demo-shapes.avi");

    /// <summary>Renders the video unless it is already there; returns its path.</summary>
    public static string EnsureRendered(string? path = null)
    {
        string video = path ?? DefaultPath;
        if (!File.Exists(video))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(video))!);
            SyntheticVideoWriter.Write(video, Options);
        }
        return video;
    }
}
