namespace ParNetDetect.Data;

/// <summary>A training target on an (augmented) sample: class index and corners in the sample's pixels.</summary>
public readonly record struct TargetBox(int ClassIndex, float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
}
