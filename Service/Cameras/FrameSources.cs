using System.Globalization;
using System.Text.RegularExpressions;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Cameras;

/// <summary>Picks the source kind from a camera's Source string.</summary>
public static partial class FrameSources
{
    [GeneratedRegex(@"^/dev/video(\d+)$")]
    private static partial Regex DevicePath();

    public static IFrameSource Create(CameraOptions camera)
    {
        string s = camera.Source.Trim();
        if (IsNetworkUrl(s))
            return new FfmpegPipeSource(s, camera.Width, camera.Height, TimeSpan.FromSeconds(camera.Reconnect.ReadTimeoutSeconds));
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return new V4l2Source(index, s);
        var device = DevicePath().Match(s);
        if (device.Success)
            return new V4l2Source(int.Parse(device.Groups[1].Value, CultureInfo.InvariantCulture), s);
        return new VideoFileSource(s, camera.Loop, camera.RealTime);
    }

    public static bool IsNetworkUrl(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) &&
        uri.Scheme is "rtsp" or "rtsps" or "rtmp" or "http" or "https" or "udp" or "tcp" or "srt";
}
