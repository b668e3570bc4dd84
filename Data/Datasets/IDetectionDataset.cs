namespace ParNetDetect.Data;

/// <summary>
/// A read-only detection dataset, whatever format it came from: images with their ground truth, class names and
/// the category map. Open one with <see cref="DetectionDatasets.Open"/>.
/// </summary>
public interface IDetectionDataset
{
    /// <summary>Where it was read from (annotation file or data.yaml) and which split.</summary>
    string Source { get; }

    /// <summary>"coco" or "yolo".</summary>
    string Format { get; }

    CategoryMap Categories { get; }
    IReadOnlyList<string> ClassNames => Categories.Names;

    int Count { get; }
    ImageRecord this[int index] { get; }

    /// <summary>What was skipped or repaired while reading (missing images, bad boxes, ...), counted per kind.</summary>
    DatasetIssues Issues { get; }

    /// <summary>Every file it was read from: its annotation files (a COCO json; YOLO's data.yaml, image lists and
    /// label files) and its images. A command must never write over them.</summary>
    IEnumerable<string> Files { get; }
}

/// <summary>The in-memory dataset every reader produces; <paramref name="annotationFiles"/> are the files its ground
/// truth came from (none for one built in memory).</summary>
public sealed class DetectionDataset(string source, string format, CategoryMap categories,
    IReadOnlyList<ImageRecord> images, DatasetIssues issues, IReadOnlyList<string>? annotationFiles = null) : IDetectionDataset
{
    public string Source { get; } = source;
    public string Format { get; } = format;
    public CategoryMap Categories { get; } = categories;
    public IReadOnlyList<string> ClassNames => Categories.Names;
    public int Count => images.Count;
    public ImageRecord this[int index] => images[index];
    public DatasetIssues Issues { get; } = issues;
    public IEnumerable<string> Files => (annotationFiles ?? []).Concat(images.Select(i => i.FilePath));

    public override string ToString() =>
        $"{Format} dataset {Source}: {Count} images, {Categories.Count} classes";
}
