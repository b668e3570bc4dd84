namespace ParNetDetect.CommandLine;

/// <summary>The exit codes every command of the project shares (`detect serve` adds 78, sysexits' EX_CONFIG).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Bad data or a failed run; the message names the file, line or field.</summary>
    public const int Failure = 1;
    /// <summary>A wrong command line.</summary>
    public const int Usage = 2;
}
