namespace ParNetDetect.Data;

/// <summary>
/// The live demo's input: a looping video of moving shapes (the classes the bundled demo model knows), rendered by
/// <see cref="SyntheticVideoWriter"/> (the renderer of `detect synth --video`) on first use into the user's cache
/// folder, with its ground truth beside it.
/// </summary>
public static class DemoVideo
{
    public static readonly SyntheticVideoWriter.Options Options = new(Frames: 500, Seed: 7);

    /// <summary>$XDG_CACHE_HOME (or ~/.cache)/parnet-detect/demo-shapes-vN.avi; N is the scene model's version, so a
    /// video an older renderer cached is not played.</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "parnet-detect", $"demo-shapes-v{Scene.Version}.avi");

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
