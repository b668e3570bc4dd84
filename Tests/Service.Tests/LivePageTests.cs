using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests;

/// <summary>
/// The live page in headless Chromium, driven by Playwright (LivePage/check-live-page.mjs). Needs Debian's
/// chromium, node, and `npm ci` in Tests/Service.Tests/LivePage; skipped with the reason otherwise.
/// </summary>
public class LivePageTests
{
    static string ScriptDirectory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "LivePage");

    [SkippableFact]
    public async Task LivePageShowsEachCameraWithADecodingStreamCountsAndErrors()
    {
        string dir = ScriptDirectory();
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        string? node = ExternalProcess.Find("node");
        Skip.If(node == null, "node is not installed");
        Skip.If(!File.Exists(chromium), $"{chromium} is missing (apt-get install chromium)");
        Skip.If(!Directory.Exists(Path.Combine(dir, "node_modules", "playwright-core")), $"playwright-core is not installed (npm ci --prefix {dir})");

        string work = TestVideos.TempDirectory();
        await using var host = await TestHost.StartGoodAndCorruptAsync(work, "yard", "broken");

        var info = new ProcessStartInfo(node!) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (string a in new[] { "check-live-page.mjs", host.Client.BaseAddress!.ToString(), "yard", "broken" }) info.ArgumentList.Add(a);
        info.Environment["CHROMIUM"] = chromium;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(300));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"page check failed: {await stderr}{await stdout}");

        var result = JsonDocument.Parse(await stdout).RootElement;
        Assert.Equal(TestVideos.Width, result.GetProperty("imgWidth").GetInt32());
        Assert.Contains("square: 1", result.GetProperty("counts").GetString());
        Assert.Contains("broken.avi", result.GetProperty("failedError").GetString());
    }
}
