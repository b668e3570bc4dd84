using OpenCvSharp;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>Small MJPG test videos: a white square moving left to right across a dark frame (or standing still).</summary>
public static class TestVideos
{
    public const int Width = 160, Height = 120;

    public static string MovingSquare(string directory, string name = "square.avi", int frames = 40, double fps = 20, bool still = false)
    {
        string path = Path.Combine(directory, name);
        using var writer = new VideoWriter(path, FourCC.MJPG, fps, new OpenCvSharp.Size(Width, Height));
        using var frame = new Mat(Height, Width, MatType.CV_8UC3);
        for (int i = 0; i < frames; i++)
        {
            frame.SetTo(new Scalar(30, 30, 30));
            int x = still ? 60 : 5 + (Width - 40) * i / Math.Max(1, frames - 1);
            Cv2.Rectangle(frame, new Rect(x, 40, 30, 30), Scalar.White, -1);
            writer.Write(frame);
        }
        return path;
    }

    /// <summary>One folder per test run, removed when the test process exits; folders of runs that were killed
    /// (their process is gone, so their exit handler never ran) are removed by the next run.</summary>
    static readonly Lazy<string> RunRoot = new(() =>
    {
        string parent = Path.Combine(Path.GetTempPath(), "parnet-service-tests");
        string root = Path.Combine(parent, Environment.ProcessId.ToString());
        if (Directory.Exists(parent))
            foreach (string stale in Directory.EnumerateDirectories(parent))
                if (!int.TryParse(Path.GetFileName(stale), out int pid) || !ProcessIsAlive(pid)) TryDelete(stale);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static string TempDirectory()
    {
        string dir = Path.Combine(RunRoot.Value, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
