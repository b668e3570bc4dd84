using System.CommandLine;
using ParNetDetect.CommandLine;
using ParNetDetect.Inference.Backends;

namespace ParNetDetect.Cli.Commands;

/// <summary>The `--backend` and `--device` options of the verbs that run a detector, read as one <see cref="BackendOptions"/>.</summary>
sealed class BackendChoice
{
    readonly Option<BackendKind> _kind = new("--backend")
    {
        Description = "auto (ONNX Runtime for .onnx files, TorchSharp for checkpoints), torch, or onnx (a checkpoint is exported in memory)",
        DefaultValueFactory = _ => BackendKind.Auto,
    };

    readonly Option<string> _device = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };

    readonly Option<string> _classes = new("--classes")
    {
        Description = "class names of an ONNX graph exported elsewhere (YOLO layout, no ParNet Detect metadata): "
                      + "a,b,c or a file with one name per line",
    };

    public IEnumerable<Option> Options => [_kind, _device, _classes];

    public BackendOptions Read(ParseResult parse) => new()
    {
        Kind = parse.GetValue(_kind),
        Device = parse.GetValue(_device)!,
        ClassNames = parse.GetValue(_classes) is { } classes ? ClassNames(classes) : null,
    };

    /// <summary>`--classes`: a file of names, one per line (a coco.names file), or the names separated by commas.</summary>
    static string[] ClassNames(string value)
    {
        string[] names = File.Exists(value)
            ? File.ReadAllLines(value)
            : value.Split(',');
        names = [.. names.Select(n => n.Trim()).Where(n => n.Length > 0)];
        return names.Length > 0 ? names : throw new UsageException($"--classes names no class ('{value}').");
    }
}
