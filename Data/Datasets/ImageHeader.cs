using System.Buffers.Binary;

namespace ParNetDetect.Data;

/// <summary>
/// Reads an image's size from its header (JPEG SOF marker, PNG IHDR, BMP) without decoding it: YOLO labels are
/// normalised, so opening a YOLO dataset needs every image's size, and decoding 118k images for that would take
/// minutes. Returns null for formats it does not know or for a broken header.
/// </summary>
public static class ImageHeader
{
    static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static (int Width, int Height)? TryReadSize(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            Span<byte> head = stackalloc byte[26];
            int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (n >= 24 && head[..8].SequenceEqual(PngSignature))
                return Valid(BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]));
            if (n >= 26 && head[0] == (byte)'B' && head[1] == (byte)'M')
                return Valid(BinaryPrimitives.ReadInt32LittleEndian(head[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[22..])));
            if (n >= 4 && head[0] == 0xFF && head[1] == 0xD8)
                return ReadJpeg(stream);
            return null;
        }
        catch (IOException) { return null; }
    }

    static (int, int)? ReadJpeg(Stream stream)
    {
        // Walk the marker segments after SOI until a start-of-frame marker, which holds height and width.
        stream.Position = 2;
        Span<byte> segment = stackalloc byte[7];
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) return null;
            if (b != 0xFF) return null;
            int marker;
            do { marker = stream.ReadByte(); } while (marker == 0xFF);
            if (marker < 0) return null;
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) continue; // markers without a length
            if (stream.ReadAtLeast(segment[..2], 2, throwOnEndOfStream: false) < 2) return null;
            int length = BinaryPrimitives.ReadUInt16BigEndian(segment);
            bool startOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (startOfFrame)
            {
                if (stream.ReadAtLeast(segment[..5], 5, throwOnEndOfStream: false) < 5) return null;
                return Valid(BinaryPrimitives.ReadUInt16BigEndian(segment[3..]), BinaryPrimitives.ReadUInt16BigEndian(segment[1..]));
            }
            if (length < 2) return null;
            stream.Seek(length - 2, SeekOrigin.Current);
        }
    }

    static (int, int)? Valid(int width, int height) => width > 0 && height > 0 ? (width, height) : null;
}
