namespace ParNetDetect.Cli;

/// <summary>One `detect` verb: a name, a usage text, and a thin Run that parses, calls a component and prints.</summary>
public interface IVerb
{
    string Name { get; }
    string Summary { get; }
    string Usage { get; }

    /// <summary>Returns the process exit code: 0 success, 1 data/runtime error, 2 usage error.</summary>
    int Run(CommandLine args);
}
