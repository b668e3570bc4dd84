namespace ParNetDetect.Data;

/// <summary>One image of a dataset: its id (the dataset's own), file, size in pixels and ground truth.</summary>
public sealed class ImageRecord(long id, string filePath, int width, int height, Annotation[] annotations)
{
    public long Id { get; } = id;
    public string FilePath { get; } = filePath;
    public int Width { get; } = width;
    public int Height { get; } = height;

    /// <summary>Every annotation, crowd regions included (what evaluation needs).</summary>
    public IReadOnlyList<Annotation> Annotations { get; } = annotations;

    /// <summary>The annotations a detector is trained on: crowd regions left out.</summary>
    public IEnumerable<Annotation> TrainingTargets => annotations.Where(a => !a.IsCrowd);

    public override string ToString() => $"image {Id} ({Path.GetFileName(FilePath)}, {Width}x{Height}, {annotations.Length} boxes)";
}
