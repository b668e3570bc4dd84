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
    public async Task LivePageShowsEachCameraWithADecodingStreamCountsErrorsAndPlayableEvents()
    {
        string dir = ScriptDirectory();
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        string? node = ExternalProcess.Find("node");
        Skip.If(node == null, "node is not installed");
        Skip.If(!File.Exists(chromium), $"{chromium} is missing (apt-get install chromium)");
        Skip.If(!Directory.Exists(Path.Combine(dir, "node_modules", "playwright-core")), $"playwright-core is not installed (npm ci --prefix {dir})");

        string work = TestVideos.TempDirectory();
        string corrupt = Path.Combine(work, "broken.avi");
        File.WriteAllText(corrupt, "this is not a video");
        var options = TestHost.DefaultOptions(work, History.HistoryServiceTests.RecordingCamera("yard", TestVideos.MovingSquare(work)),
            TestHost.FileCamera("broken", corrupt));
        await using var host = await TestHost.StartAsync(options, work);
        await History.HistoryServiceTests.WaitForEventWithClip(host); // the page then has a clip to play
        string screenshot = Path.Combine(work, "live-page.png");

        var info = new ProcessStartInfo(node!) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (string a in new[] { "check-live-page.mjs", host.Client.BaseAddress!.ToString(), "yard", "broken", screenshot }) info.ArgumentList.Add(a);
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
        var thumbnails = result.GetProperty("thumbnails");
        Assert.True(thumbnails.GetProperty("count").GetInt32() > 0);
        Assert.Equal(TestVideos.Width, thumbnails.GetProperty("width").GetInt32());
        Assert.Equal(["square"], thumbnails.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["right"], thumbnails.GetProperty("zones").EnumerateArray().Select(l => l.GetString()));
        var video = result.GetProperty("video");
        Assert.Equal(TestVideos.Width, video.GetProperty("width").GetInt32());
        Assert.True(video.GetProperty("currentTime").GetDouble() > 0.2);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot was taken");
    }
}
