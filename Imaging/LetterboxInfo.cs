namespace ParNetDetect.Imaging;

/// <summary>
/// How an image was placed on the square letterbox canvas: <c>canvas = original * Scale + (PadX, PadY)</c>.
/// Maps boxes both ways, so detections on the canvas land on the original image.
/// </summary>
public readonly record struct LetterboxInfo(float Scale, float PadX, float PadY, int OriginalWidth, int OriginalHeight, int Size)
{
    /// <summary>The placement <see cref="LetterboxTransform"/> uses: longest side fitted, image centred.</summary>
    public static LetterboxInfo Compute(int width, int height, int size)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size {width}x{height} is empty.");
        float scale = Math.Min((float)size / width, (float)size / height);
        (int w, int h) = ResizedSize(width, height, scale, size);
        return new LetterboxInfo(scale, (size - w) / 2, (size - h) / 2, width, height, size);
    }

    /// <summary>Pixel size of the resized image inside the canvas.</summary>
    public (int Width, int Height) Resized => ResizedSize(OriginalWidth, OriginalHeight, Scale, Size);

    static (int, int) ResizedSize(int width, int height, float scale, int size) =>
        (Math.Clamp((int)MathF.Round(width * scale), 1, size), Math.Clamp((int)MathF.Round(height * scale), 1, size));

    /// <summary>A canvas box (corners) mapped to the original image and clipped to it.</summary>
    public (float X1, float Y1, float X2, float Y2) ToOriginal(float x1, float y1, float x2, float y2) =>
        (Math.Clamp((x1 - PadX) / Scale, 0, OriginalWidth), Math.Clamp((y1 - PadY) / Scale, 0, OriginalHeight),
         Math.Clamp((x2 - PadX) / Scale, 0, OriginalWidth), Math.Clamp((y2 - PadY) / Scale, 0, OriginalHeight));

    /// <summary>An original-image box (x, y, width, height) mapped onto the canvas.</summary>
    public (float X, float Y, float Width, float Height) ToCanvas(float x, float y, float width, float height) =>
        (x * Scale + PadX, y * Scale + PadY, width * Scale, height * Scale);
}
