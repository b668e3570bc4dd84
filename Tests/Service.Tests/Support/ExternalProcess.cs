using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>A child process a test starts (ffmpeg stream server, mosquitto) and kills on dispose.</summary>
public sealed class ExternalProcess : IDisposable
{
    readonly Process _process;

    ExternalProcess(Process process) => _process = process;

    public static ExternalProcess Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return new ExternalProcess(process);
    }

    /// <summary>The tool's path, or null when it is not installed (the test then skips with the reason).</summary>
    public static string? Find(string name, params string[] extraDirs) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(extraDirs)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>Runs a tool to its end and returns its standard output; fails the test on a non-zero exit.</summary>
    public static string Output(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    public static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task WaitForPort(int port)
    {
        var deadline = DateTime.UtcNow + TestHost.StateTimeout;
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
