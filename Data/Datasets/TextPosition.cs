namespace ParNetDetect.Data;

/// <summary>Turns a byte offset into a 1-based line number, for error messages about large files.</summary>
internal static class TextPosition
{
    public static long LineOf(string path, long offset)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        long line = 1, position = 0;
        int n;
        while (position < offset && (n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, offset - position))) > 0)
        {
            line += buffer.AsSpan(0, n).Count((byte)'\n');
            position += n;
        }
        return line;
    }
}
