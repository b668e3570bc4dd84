using System.Runtime.CompilerServices;

namespace ParNetDetect.Deploy.Tests;

/// <summary>Paths in the checkout the tests run from.</summary>
static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    static string FindRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
