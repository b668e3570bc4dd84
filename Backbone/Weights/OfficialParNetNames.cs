using System.Text.RegularExpressions;

namespace ParNetDetect.Backbone.Weights;

/// <summary>
/// Key mapping between this project's ParNet state dict and the official ImageNet code (imankgoyal/NonDeepNetworks,
/// timm <c>simplenet_repvgg</c>; release v.0.1.0 checkpoints). Unfused models only: the official checkpoints are
/// unfused, and fusing after import gives this project's fused form. Documented in docs/weights.md.
/// </summary>
public static partial class OfficialParNetNames
{
    // Block prefixes, ours -> official. Group 1 carries indices where both sides have them.
    static readonly (Regex Ours, string Official, bool PooledOneByOne)[] BlockRules =
    [
        (new(@"^stem\.0\."), "inits.0.0.block.", true),
        (new(@"^stem\.1\."), "inits.0.1.block.", true),
        (new(@"^stem\.2\."), "inits.1.block.", true),
        (new(@"^stem\.3\."), "inits.2.block.", true),
        (new(@"^streams\.(\d+\.\d+)\."), "streams.$1.block.", false),
        (new(@"^stream1_down\."), "downsamples_2.0.block.", true),
        (new(@"^fusion\.0\.bn_stream\."), "downsamples_2.1.0.b1.", false),
        (new(@"^fusion\.0\.bn_merge\."), "downsamples_2.1.0.b2.", false),
        (new(@"^fusion\.0\.block\."), "downsamples_2.1.2.block.", true),
        (new(@"^fusion\.1\.bn_stream\."), "combine.0.b1.", false),
        (new(@"^fusion\.1\.bn_merge\."), "combine.0.b2.", false),
        (new(@"^fusion\.1\.block\."), "combine.2.block.", false),
        (new(@"^final_down\."), "combine.3.block.", true),
        (new(@"^head\.fc\."), "head.fc.", false),
    ];

    // Inside a block, ours -> official. A stride-2 block's 1x1 branch sits behind an AvgPool in an nn.Sequential.
    static readonly (string Ours, string Official)[] BranchRules =
    [
        ("conv3x3.", "rbr_dense."),
        ("sse.bn.", "rbr_identity."),
        ("sse.gate.", "se.cvsig.conv."),
        ("gate.", "se.cvsig.conv."),
    ];

    /// <summary>The official key for one of our (unfused) keys.</summary>
    public static string ToOfficial(string key)
    {
        foreach (var (ours, official, pooled) in BlockRules)
        {
            var match = ours.Match(key);
            if (!match.Success) continue;
            string prefix = match.Result(official), rest = key[match.Length..];
            if (rest.StartsWith("conv1x1.")) return prefix + (pooled ? "rbr_1x1.1." : "rbr_1x1.") + rest["conv1x1.".Length..];
            foreach (var (o, p) in BranchRules)
                if (rest.StartsWith(o)) return prefix + p + rest[o.Length..];
            if (prefix.EndsWith(".b1.") || prefix.EndsWith(".b2.") || prefix == "head.fc.") return prefix + rest;
            break;
        }
        throw new ArgumentException(
            $"'{key}' has no official counterpart" + (key.Contains("reparam") || key.Contains(".sse.scale") || key.Contains(".sse.shift")
                ? " (it belongs to a fused model: export or import unfused, then Fuse())." : "."), nameof(key));
    }

    /// <summary>Our key for each official key a model of this shape has (official -> ours).</summary>
    public static Dictionary<string, string> OfficialToOurs(IEnumerable<string> ourKeys) =>
        ourKeys.ToDictionary(ToOfficial, k => k);

    /// <summary>True when the keys look like the official code's (optionally behind DataParallel's "module.").</summary>
    public static bool LooksOfficial(IEnumerable<string> keys) =>
        keys.Any(k => StripDataParallel(k).StartsWith("inits.", StringComparison.Ordinal));

    /// <summary>Removes the "module." prefix that DataParallel/DistributedDataParallel checkpoints carry.</summary>
    public static string StripDataParallel(string key) => key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key;
}
