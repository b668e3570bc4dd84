using System.CommandLine;
using ParNetDetect.CommandLine;

namespace ParNetDetect.Cli.Commands;

/// <summary>The `--img` option of the verbs that run a trained detector: the side images are letterboxed to, or the
/// model's own (where its thresholds were calibrated, else its trained size).</summary>
sealed class ImageSizeChoice
{
    public Option<int?> Option { get; } = VerbOptions.OptionalInt("--img",
        "input side, a multiple of 32 (default: the model's own: where its thresholds were calibrated, else its trained size)", 32, 4096);

    public int? Read(ParseResult parse) => parse.GetValue(Option) is not { } side ? null
        : side % 32 == 0 ? side
        : throw new UsageException($"--img must be a multiple of 32 (got {side}).");
}
