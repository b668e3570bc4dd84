namespace ParNetDetect.Onnx.Graph;

/// <summary>
/// A feature map's height and width where the export knows them (fixed-size graphs: reshapes get constant shapes,
/// grids become initializers), or null in dynamic graphs, where they are read with Shape at run time.
/// </summary>
public readonly record struct Spatial(long Height, long Width)
{
    /// <summary>After a stride-s step (stride-2 steps round up, as the convs with padding 1 do).</summary>
    public Spatial Strided(long stride) => stride == 1 ? this : new((Height + 1) / 2, (Width + 1) / 2);

    /// <summary>At 1/<paramref name="stride"/> of an input whose sides divide by it.</summary>
    public Spatial Level(long stride) => new(Height / stride, Width / stride);
}
