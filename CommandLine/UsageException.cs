namespace ParNetDetect.CommandLine;

/// <summary>The command line is wrong (exit code 2), as opposed to the data or a run (exit code 1). The message is
/// shown with the command's help.</summary>
public sealed class UsageException(string message) : Exception(message);
