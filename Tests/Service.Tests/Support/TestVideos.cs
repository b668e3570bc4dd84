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

    /// <summary>One folder per test run, removed when the test process exits.</summary>
    static readonly Lazy<string> RunRoot = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), "parnet-service-tests", Environment.ProcessId.ToString());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    });

    public static string TempDirectory()
    {
        string dir = Path.Combine(RunRoot.Value, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
