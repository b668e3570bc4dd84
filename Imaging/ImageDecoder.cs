using OpenCvSharp;

namespace ParNetDetect.Imaging;

/// <summary>Decodes image files to BGR 8-bit Mats with OpenCV.</summary>
public static class ImageDecoder
{
    /// <summary>
    /// The decoded image, or null when the file is missing, unreadable or corrupt. EXIF orientation is ignored:
    /// COCO and YOLO annotations refer to the stored pixel grid.
    /// </summary>
    public static Mat? TryDecode(string path)
    {
        Mat image;
        try
        {
            image = Cv2.ImRead(path, ImreadModes.Color | ImreadModes.IgnoreOrientation);
        }
        catch (OpenCVException)
        {
            return null;
        }
        if (!image.Empty()) return image;
        image.Dispose();
        return null;
    }
}
