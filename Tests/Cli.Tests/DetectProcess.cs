using System.Diagnostics;

namespace ParNetDetect.Cli.Tests;

/// <summary>What one `detect` process did: its exit code and everything it printed.</summary>
public sealed record DetectResult(int Code, string Out, string Err)
{
    public override string ToString() => $"exit {Code}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs the `detect` built beside the tests as a child process, as a user runs it.</summary>
public sealed class DetectProcess : IDisposable
{
    readonly Process _process;
    readonly Task<string> _out, _err;
    readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly string _startedWhen;

    DetectProcess(string[] args, string startedWhen, IReadOnlyDictionary<string, string>? environment = null)
    {
        _startedWhen = startedWhen;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "detect.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        _process = Process.Start(info)!;
        _out = ReadLines(_process.StandardOutput);
        _err = _process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    /// <summary>Runs to the end (at most two minutes) and returns what it did.</summary>
    public static DetectResult Run(params string[] args) => Run(null, args);

    /// <summary>As <see cref="Run(string[])"/>, with these variables added to the environment.</summary>
    public static DetectResult Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var p = new DetectProcess(args, "", environment);
        return p.WaitForExit();
    }

    /// <summary>A file of this project's TestData folder, copied beside the tests.</summary>
    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    /// <summary>Starts it; <see cref="WaitForOutput"/> then waits for a line containing <paramref name="startedWhen"/>.</summary>
    public static DetectProcess Start(string startedWhen, params string[] args) => new(args, startedWhen);

    /// <summary>Waits until stdout has shown the start line; fails when the process ends first.</summary>
    public void WaitForOutput(TimeSpan timeout)
    {
        if (!_started.Task.Wait(timeout)) throw new TimeoutException($"no '{_startedWhen}' line within {timeout}");
    }

    public DetectResult WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"detect did not end within two minutes:\n{_out.Result}\n{_err.Result}");
        }
        return new DetectResult(_process.ExitCode, _out.Result, _err.Result);
    }

    async Task<string> ReadLines(StreamReader reader)
    {
        var all = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            all.AppendLine(line);
            if (_startedWhen.Length > 0 && line.Contains(_startedWhen)) _started.TrySetResult();
        }
        _started.TrySetException(new InvalidOperationException($"detect ended before printing '{_startedWhen}':\n{all}"));
        return all.ToString();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
