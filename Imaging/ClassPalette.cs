using OpenCvSharp;

namespace ParNetDetect.Imaging;

/// <summary>The one colour per class (BGR), so a class looks the same in `data preview`, `predict` and the live page.</summary>
public static class ClassPalette
{
    // Distinct at a glance; classes beyond it wrap around.
    static readonly Scalar[] Colours =
    [
        new(56, 56, 255), new(151, 157, 255), new(31, 112, 255), new(29, 178, 255), new(49, 210, 207),
        new(10, 249, 72), new(23, 204, 146), new(134, 219, 61), new(211, 188, 0), new(209, 125, 0),
        new(255, 149, 0), new(255, 115, 100), new(236, 24, 0), new(255, 56, 132), new(133, 0, 82),
        new(255, 56, 203), new(200, 149, 255), new(199, 55, 255),
    ];

    public static Scalar Of(int classIndex) => Colours[(classIndex % Colours.Length + Colours.Length) % Colours.Length];
}
