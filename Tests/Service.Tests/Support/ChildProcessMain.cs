using ParNetDetect.Service.Tests.History;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>
/// The test assembly's entry point when it is run as a program (<c>dotnet ParNetDetect.Service.Tests.dll MODE ...</c>),
/// for tests that need a child process they can kill; the test runner never calls it.
/// </summary>
public static class ChildProcessMain
{
    public static int Main(string[] args) => args switch
    {
        [HistoryCrashTests.ChildMode, var folder] => HistoryCrashTests.RunChild(folder),
        _ => 2,
    };
}
