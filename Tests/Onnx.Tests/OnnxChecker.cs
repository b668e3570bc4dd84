using System.Diagnostics;

namespace ParNetDetect.Onnx.Tests;

/// <summary>Debian's python3-onnx checker on exported files (check_onnx.py beside the tests).</summary>
static class OnnxChecker
{
    /// <summary>Checks the files; skips the test (with the reason) only when the onnx package cannot be imported.</summary>
    public static void Check(params string[] paths)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "check_onnx.py"));
        foreach (var p in paths) start.ArgumentList.Add(p);
        Skip.IfNot(File.Exists(start.FileName), "no /usr/bin/python3: install python3-onnx (./run-tests does)");
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Skip.If(process.ExitCode == 3, $"python3 cannot import onnx ({output.Trim()}): install python3-onnx (./run-tests does)");
        Assert.True(process.ExitCode == 0, $"onnx.checker failed:\n{output}{errors}");
    }
}
