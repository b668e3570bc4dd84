using ParNetDetect.Cli;
using ParNetDetect.Cli.Commands;
using ParNetDetect.Platform;

TorchRuntime.ApplyProcessSettings();

// Verbs register here, one line each; each lives in Commands/<Verb>Command.cs.
IVerb[] verbs =
[
    new InfoCommand(),
    new SynthCommand(),
    new DataCommand(),
    new ServeCommand(),
    new TrainCommand(),
    new ValCommand(),
    new PredictCommand(),
];

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("usage: detect <verb> [options]\n");
    foreach (var v in verbs) Console.WriteLine($"  {v.Name,-10} {v.Summary}");
    Console.WriteLine("\n`detect <verb> --help` shows a verb's options.");
    return args.Length == 0 ? 2 : 0;
}

var verb = verbs.FirstOrDefault(v => v.Name == args[0]);
if (verb == null)
{
    Console.Error.WriteLine($"detect: unknown verb '{args[0]}'. Known: {string.Join(", ", verbs.Select(v => v.Name))}.");
    return 2;
}
if (args.Skip(1).Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(verb.Usage);
    return 0;
}
try
{
    return verb.Run(new CommandLine(args.Skip(1)));
}
catch (Exception e) when (e is UsageException or ParNetDetect.Training.InvalidOptionException)
{
    Console.Error.WriteLine($"detect {verb.Name}: {e.Message}\n\n{verb.Usage}");
    return 2;
}
catch (Exception e) when (IsDataError(e))
{
    // Components name the file, line or field in their messages; a stack trace would bury it.
    Console.Error.WriteLine($"detect {verb.Name}: {e.Message}");
    return 1;
}

// Bad input or a failed run, as opposed to a bug: reported as one message with exit code 1.
static bool IsDataError(Exception e) =>
    e is IOException or InvalidDataException or ArgumentException or KeyNotFoundException
        or CocoEval.CocoDataException or ParNetDetect.Training.TrainingDivergedException;
