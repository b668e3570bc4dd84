namespace CocoEval;

/// <summary>An axis-aligned box in COCO order: top-left corner, width and height, in pixels.</summary>
public readonly record struct CocoBox(double X, double Y, double Width, double Height)
{
    /// <summary>Box from corner coordinates (x1, y1, x2, y2), as detectors usually produce them.</summary>
    public static CocoBox FromCorners(double x1, double y1, double x2, double y2) => new(x1, y1, x2 - x1, y2 - y1);

    /// <summary>Width times height: the area pycocotools' <c>loadRes</c> gives a detection.</summary>
    public double Area => Width * Height;

    /// <summary>True when every coordinate is finite and width and height are not negative.</summary>
    public bool IsValid =>
        double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Width) && double.IsFinite(Height) && Width >= 0 && Height >= 0;
}
