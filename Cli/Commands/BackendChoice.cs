using System.CommandLine;
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

    public IEnumerable<Option> Options => [_kind, _device];

    public BackendOptions Read(ParseResult parse) => new() { Kind = parse.GetValue(_kind), Device = parse.GetValue(_device)! };
}
