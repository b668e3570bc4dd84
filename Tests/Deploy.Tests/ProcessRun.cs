using System.Diagnostics;

namespace ParNetDetect.Deploy.Tests;

/// <summary>A command run to its end with its output captured, as a user runs it from a shell.</summary>
static class ProcessRun
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    public static Result Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        if (workingDirectory != null) info.WorkingDirectory = workingDirectory;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The detect program built beside the tests.</summary>
    public static string DetectDll => Path.Combine(AppContext.BaseDirectory, "detect.dll");

    public static Result Detect(params string[] args) => Run("dotnet", [DetectDll, .. args]);

    /// <summary>detect pinned to one CPU, as a Slurm task with --cpus-per-task 1 runs.</summary>
    public static Result DetectOnOneCpu(params string[] args) => Run("taskset", ["-c", "0", "dotnet", DetectDll, .. args]);

    /// <summary>Runs and fails the test, with the output, unless the exit code is 0.</summary>
    public static Result Ok(this Result result, string what)
    {
        Assert.True(result.ExitCode == 0, $"{what} exited {result.ExitCode}:\n{result.Output}");
        return result;
    }
}
