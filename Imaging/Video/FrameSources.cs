using System.Globalization;
using System.Text.RegularExpressions;

namespace ParNetDetect.Imaging.Video;

/// <summary>Picks the source kind from a source string: a network URL, a V4L2 device, or else a video file.</summary>
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

    public static IFrameSource Create(FrameSourceOptions options)
    {
        string s = options.Source.Trim();
        if (NetworkUrl(s) is { } url)
            return new FfmpegPipeSource(url, options.Width, options.Height, options.ReadTimeout);
        if (DeviceIndex(s) is { } index)
            return new V4l2Source(index, s);
        return new VideoFileSource(s, options.Loop, options.RealTime);
    }

    /// <summary>Whether the source is a camera (a V4L2 device or a network stream) rather than a video file.</summary>
    public static bool IsCamera(string source) => NetworkUrl(source) != null || DeviceIndex(source) != null;

    /// <summary>The V4L2 device index of a source such as "0" or "/dev/video2"; null for anything else.</summary>
    public static int? DeviceIndex(string source)
    {
        string s = source.Trim();
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return index;
        var device = DevicePath().Match(s);
        return device.Success ? int.Parse(device.Groups[1].Value, CultureInfo.InvariantCulture) : null;
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

    /// <summary>
    /// Why a source written as a URL cannot be read (a scheme ffmpeg is not asked to read), credentials masked;
    /// null when it is no URL or one of <see cref="NetworkSchemes"/>.
    /// </summary>
    public static string? SchemeProblem(string source) =>
        SchemeOf(source) is { } scheme && NetworkUrl(source) == null
            ? $"'{CredentialMask.Apply(source)}' has scheme '{scheme}', which is not one of {string.Join(", ", NetworkSchemes)}."
            : null;
}
