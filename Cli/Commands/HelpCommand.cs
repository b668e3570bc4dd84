using System.CommandLine;
using ParNetDetect.CommandLine;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect help`: the verbs, as `detect --help` lists them (kept for those who type it).</summary>
public static class HelpCommand
{
    public static Command Create(CommandLineApp app)
    {
        var command = new Command("help", "list the verbs (as --help)") { Hidden = true };
        command.SetAction(_ => app.Run(["--help"], Console.Out, Console.Error));
        return command;
    }
}
