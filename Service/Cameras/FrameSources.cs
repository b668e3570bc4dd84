using System.Globalization;
using System.Text.RegularExpressions;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Cameras;

/// <summary>Picks the source kind from a camera's Source string.</summary>
public static partial class FrameSources
{
    /// <summary>The URL schemes read through ffmpeg.</summary>
    public static readonly IReadOnlyList<string> NetworkSchemes = ["rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp", "srt"];

    [GeneratedRegex(@"^/dev/video(\d+)$")]
    private static partial Regex DevicePath();

    // A URL is recognised by its scheme alone: a password with '@' in it can keep System.Uri from parsing the rest,
    // and such a source must not fall through to a file path (whose errors would quote it).
    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex SchemePrefix();

    public static IFrameSource Create(CameraOptions camera)
    {
        string s = camera.Source.Trim();
        if (NetworkUrl(s) is { } url)
            return new FfmpegPipeSource(url, camera.Width, camera.Height, TimeSpan.FromSeconds(camera.Reconnect.ReadTimeoutSeconds));
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return new V4l2Source(index, s);
        var device = DevicePath().Match(s);
        if (device.Success)
            return new V4l2Source(int.Parse(device.Groups[1].Value, CultureInfo.InvariantCulture), s);
        return new VideoFileSource(s, camera.Loop, camera.RealTime);
    }

    /// <summary>The scheme of a source that is a URL, as written; null for a file path or a device.</summary>
    public static string? SchemeOf(string source) =>
        SchemePrefix().Match(source.Trim()) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// A network source as ffmpeg needs it, or null if the source is not one. Schemes are case-insensitive
    /// (RFC 3986) but ffmpeg's protocol names are not ("RTSP://" is "Protocol not found"), so the scheme is lowered.
    /// </summary>
    public static string? NetworkUrl(string source)
    {
        string s = source.Trim();
        string? scheme = SchemeOf(s)?.ToLowerInvariant();
        return scheme != null && NetworkSchemes.Contains(scheme) ? scheme + s[scheme.Length..] : null;
    }
}
