namespace ParNetDetect.Cli.Commands;

/// <summary>`detect info`: parameter counts, GMACs and tap shapes of the ParNet variants.</summary>
public sealed class InfoCommand : IVerb
{
    public string Name => "info";
    public string Summary => "ParNet variants: parameters (unfused/fused), GMACs, feature-tap shapes";
    public string Usage => "usage: detect info [--model NAME] [--img 640] [--json]";

    public int Run(CommandLine args)
    {
        args.EnsureAllUsed();
        Console.WriteLine("info: the backbone is being built (issue 2).");
        return 0;
    }
}
