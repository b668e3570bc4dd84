using ParNetDetect.Cli.Commands;
using ParNetDetect.CommandLine;
using ParNetDetect.Platform;

TorchRuntime.ApplyProcessSettings();

var app = new CommandLineApp("detect", "ParNet Detect: train, evaluate and run ParNet-YOLO object detectors.", IsFailure);
// Verbs register here, one line each; each lives in Commands/<Verb>Command.cs.
app.Root.Subcommands.Add(InfoCommand.Create(app));
app.Root.Subcommands.Add(SynthCommand.Create(app));
app.Root.Subcommands.Add(DataCommand.Create(app));
app.Root.Subcommands.Add(ServeCommand.Create(app));
app.Root.Subcommands.Add(TrainCommand.Create(app));
app.Root.Subcommands.Add(ValCommand.Create(app));
app.Root.Subcommands.Add(PredictCommand.Create(app));
app.Root.Subcommands.Add(ExportCommand.Create(app));
app.Root.Subcommands.Add(BenchmarkCommand.Create(app));
app.Root.Subcommands.Add(HelpCommand.Create(app));
return app.Run(args, Console.Out, Console.Error);

// Bad input or a failed run, as opposed to a bug: reported as one message with exit code 1.
static bool IsFailure(Exception e) =>
    e is IOException or InvalidDataException or ArgumentException or KeyNotFoundException
        or CocoEval.CocoDataException or ParNetDetect.Training.TrainingDivergedException;
