using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace ParNetDetect.CommandLine;

/// <summary>
/// A command of the project (`detect`, `coco-eval`) on System.CommandLine: help for every command (`--help`), with
/// each command's notes below its options; typo suggestions; shell completion (the [suggest] directive); and one
/// mapping of outcomes to exit codes: 0 ok, 2 a wrong command line (the error, then the command's help, on stderr),
/// 1 an exception the caller names a failure (one line "program verb: message", no stack trace). Anything else is a
/// bug and ends the process as unhandled exceptions do.
/// </summary>
public sealed class CommandLineApp
{
    readonly string _program;
    readonly Func<Exception, bool> _isFailure;
    readonly Dictionary<Command, string> _notes = new();

    /// <param name="program">The name users type; messages and help use it whatever the executable is called.</param>
    /// <param name="isFailure">Exceptions that are bad input or a failed run (exit 1) rather than bugs.</param>
    public CommandLineApp(string program, string description, Func<Exception, bool> isFailure)
    {
        _program = program;
        _isFailure = isFailure;
        Root = new RootCommand(description);
        foreach (var help in Root.Options.OfType<HelpOption>())
            help.Action = new NotedHelpAction(new HelpAction { MaxWidth = 120 }, _notes);
    }

    public RootCommand Root { get; }

    /// <summary>Text shown below a command's options in its help: what the options alone do not say.</summary>
    public void SetNotes(Command command, string notes) => _notes[command] = notes;

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var parse = Root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parse.Action is ParseErrorAction)
        {
            // The errors, typo suggestions and the command's help, all on stderr; exit 2 rather than the library's 1.
            parse.Invoke(new InvocationConfiguration { Output = error, Error = error, EnableDefaultExceptionHandler = false });
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(invocation);
        }
        catch (UsageException e)
        {
            error.WriteLine($"{PathOf(parse)}: {e.Message}");
            error.WriteLine();
            WriteHelp(parse.CommandResult, error);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (_isFailure(e))
        {
            // Components name the file, line or field in their messages; a stack trace would bury it.
            error.WriteLine($"{PathOf(parse)}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>"detect data check": the program and the verbs the command line named.</summary>
    string PathOf(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is not null; r = r.Parent)
            if (r is CommandResult { Command: not RootCommand } c) names.Insert(0, c.Command.Name);
        return string.Join(" ", names.Prepend(_program));
    }

    /// <summary>The help of the command the user named, as its --help shows it.</summary>
    void WriteHelp(CommandResult command, TextWriter output)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is not null; r = r.Parent)
            if (r is CommandResult { Command: not RootCommand } c) names.Insert(0, c.Command.Name);
        Root.Parse([.. names, "--help"]).Invoke(new InvocationConfiguration { Output = output, Error = output });
    }

    /// <summary>The library's help, then the command's notes.</summary>
    sealed class NotedHelpAction(HelpAction help, Dictionary<Command, string> notes) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = help.Invoke(parseResult);
            if (notes.TryGetValue(parseResult.CommandResult.Command, out string? text))
                parseResult.InvocationConfiguration.Output.WriteLine(text.TrimEnd() + Environment.NewLine);
            return code;
        }
    }
}
