using System.CommandLine;
using System.Text.Json;
using ParNetDetect.Backbone;
using ParNetDetect.CommandLine;
using ParNetDetect.Platform;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect info`: parameter counts, GMACs and tap shapes of the ParNet variants.</summary>
public static class InfoCommand
{
    public static Command Create(CommandLineApp app)
    {
        var model = VerbOptions.Text("--model", $"one variant (default: all): {string.Join(", ", ParNet.VariantNames)}");
        var img = VerbOptions.Int("--img", 640, "square input size for GMACs and tap shapes", 1, 8192);
        var json = VerbOptions.Flag("--json",
            "a JSON array: name, params, params_fused, backbone_params, backbone_params_fused, gmacs (fused backbone), gmacs_unfused, img, taps");
        var command = new Command("info", "ParNet variants: parameters (unfused/fused), GMACs, feature-tap shapes") { model, img, json };
        app.SetNotes(command, """
            Parameters are trainable ones; params/params_fused include the 1000-class ImageNet classifier, as the
            paper counts; backbone_* and GMACs exclude it.
            """);
        command.SetAction(p => Run(p.GetValue(model), p.GetValue(img), p.GetValue(json)));
        return command;
    }

    static int Run(string? model, int img, bool json)
    {
        if (model != null && !ParNet.VariantNames.Contains(model, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"unknown model '{model}'. Known: {string.Join(", ", ParNet.VariantNames)}.");
        TorchRuntime.Initialize();
        var names = model != null ? [model] : ParNet.VariantNames;
        var summaries = names.Select(n => ParNetSummary.Of(n, img)).ToList();
        Console.WriteLine(json ? ToJson(summaries) : ToTable(summaries, img));
        return ExitCodes.Ok;
    }

    static string ToTable(IEnumerable<ParNetSummary> summaries, int img)
    {
        var lines = new List<string>
        {
            $"{"variant",-11} {"params M",9} {"fused M",8} {"backbone M",10} {"fused",7} {"GMACs@" + img,10} {"unfused",8}  {"P3 (C,H,W)",-16} {"P4",-16} {"P5",-16} notes",
        };
        foreach (var s in summaries)
            lines.Add($"{s.Name,-11} {M(s.Params),9} {M(s.ParamsFused),8} {M(s.BackboneParams),10} {M(s.BackboneParamsFused),7} " +
                      $"{G(s.MacsFused),10} {G(s.Macs),8}  {Shape(s.P3Shape),-16} {Shape(s.P4Shape),-16} {Shape(s.P5Shape),-16} {s.Description}");
        lines.Add("params include the 1000-class ImageNet classifier; backbone and GMACs (conv MACs, fused / unfused) exclude it.");
        return string.Join(Environment.NewLine, lines);
    }

    static string M(long n) => (n / 1e6).ToString("F2");
    static string G(long n) => (n / 1e9).ToString("F2");
    static string Shape(long[] s) => string.Join("x", s);

    static string ToJson(IEnumerable<ParNetSummary> summaries) =>
        JsonSerializer.Serialize(summaries.Select(s => new Dictionary<string, object>
        {
            ["name"] = s.Name,
            ["description"] = s.Description,
            ["img"] = s.ImageSize,
            ["params"] = s.Params,
            ["params_fused"] = s.ParamsFused,
            ["backbone_params"] = s.BackboneParams,
            ["backbone_params_fused"] = s.BackboneParamsFused,
            ["gmacs"] = Math.Round(s.MacsFused / 1e9, 3),
            ["gmacs_unfused"] = Math.Round(s.Macs / 1e9, 3),
            ["taps"] = new Dictionary<string, long[]> { ["p3"] = s.P3Shape, ["p4"] = s.P4Shape, ["p5"] = s.P5Shape },
        }), new JsonSerializerOptions { WriteIndented = true });
}
