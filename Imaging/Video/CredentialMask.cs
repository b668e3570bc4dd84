using System.Text.RegularExpressions;

namespace ParNetDetect.Imaging.Video;

/// <summary>
/// Masks credentials in anything shown of a video source: the source itself, or free text that may quote one
/// (ffmpeg's stderr, an exception, a log line). Every URL's user-info, of any scheme in any case, becomes <c>***</c>
/// (<c>rtsp://***@host/...</c>); it runs to the last '@' before the host, so '@' and ':' inside a password, escaped
/// or not, go with it. The values of query parameters whose name says they carry a secret (user, pass, pwd, token,
/// key, auth, secret; any case, also inside names such as api_key) become <c>***</c> too. The one masking function:
/// sources, errors, `detect predict`'s output and every log event of the service pass through it.
/// </summary>
public static partial class CredentialMask
{
    public const string Mask = "***";

    // Authority ends at '/', '?', '#' (RFC 3986) or, in free text, at whitespace.
    [GeneratedRegex(@"(?<=\b[a-z][a-z0-9+.\-]*://)[^\s/?#]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    // A value runs to '&', '#' or whitespace; a quote or colon just before the end is the text's, not the value's
    // ("'...?token=x' ended", "...?token=x: Connection refused"), so masking a message twice changes nothing.
    [GeneratedRegex(@"(?<=[?&;][^\s=&#?;]*(?:user|pass|pwd|token|key|auth|secret)[^\s=&#?;]*=)[^\s&#]+?(?=['"":]?(?:[\s&#]|$))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameterValue();

    public static string Apply(string text) =>
        SecretParameterValue().Replace(UserInfo().Replace(text, Mask + "@"), Mask);
}
