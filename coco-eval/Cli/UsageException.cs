namespace CocoEval.Cli;

/// <summary>The command line is wrong (exit code 2), as opposed to the data (exit code 1).</summary>
internal sealed class UsageException(string message) : Exception(message);
