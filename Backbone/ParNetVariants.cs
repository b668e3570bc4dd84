namespace ParNetDetect.Backbone;

/// <summary>
/// Widths of one ParNet variant: the first stem block's output, then p1..p4 (stream 1, 2, 3 widths and the final
/// downsampling block's width). Every variant has the same depth-12 topology.
/// </summary>
public sealed record ParNetVariant(string Name, int Stem, int P1, int P2, int P3, int P4, string Description);

/// <summary>The variant registry: the paper's four ImageNet variants and two narrow ones for CPU detection.</summary>
public static class ParNetVariants
{
    static readonly ParNetVariant[] All =
    [
        new("parnet-n", 16, 32, 64, 128, 256, "nano, ours: CPU detection at 320-640"),
        new("parnet-t", 32, 64, 128, 256, 512, "tiny, ours: CPU detection"),
        // The official ParNet-S YAML uses p1 = 92; the paper's table says 96.
        new("parnet-s", 64, 92, 192, 384, 1280, "paper S (official YAML, p1 = 92)"),
        new("parnet-s96", 64, 96, 192, 384, 1280, "paper S with the table's p1 = 96"),
        new("parnet-m", 64, 128, 256, 512, 2048, "paper M"),
        new("parnet-l", 64, 160, 320, 640, 2560, "paper L"),
        new("parnet-xl", 64, 200, 400, 800, 3200, "paper XL"),
    ];

    public static IReadOnlyList<ParNetVariant> Variants => All;

    public static IReadOnlyList<string> Names { get; } = All.Select(v => v.Name).ToArray();

    /// <summary>Looks a variant up by name (case-insensitive); unknown names list the known ones.</summary>
    public static ParNetVariant Get(string name) =>
        All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown ParNet variant '{name}'. Known: {string.Join(", ", Names)}.");
}
