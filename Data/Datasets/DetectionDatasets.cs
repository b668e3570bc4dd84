namespace ParNetDetect.Data;

/// <summary>
/// The one entry point that opens a dataset in any supported layout, sniffing the format from the path:
/// <list type="bullet">
/// <item>a COCO instances <c>.json</c> (images beside it in <c>images/</c>, or in <c>../images/&lt;name&gt;</c> or
/// <c>../&lt;name&gt;</c> for <c>annotations/instances_&lt;name&gt;.json</c>; or pass <c>imagesDir</c>);</item>
/// <item>a YOLO <c>data.yaml</c>, or a folder holding one;</item>
/// <item>a folder written by <c>detect synth</c>: <c>&lt;split&gt;/instances.json</c> + <c>&lt;split&gt;/images/</c>
/// (or one split folder of it);</item>
/// <item>a COCO root folder: <c>annotations/instances_&lt;split&gt;*.json</c>.</item>
/// </list>
/// </summary>
public static class DetectionDatasets
{
    public static IDetectionDataset Open(string path, string split = "train", string? imagesDir = null)
    {
        if (File.Exists(path))
        {
            string ext = Path.GetExtension(path).ToLowerInvariant();
            if (ext == ".json") return CocoDatasetReader.Read(path, imagesDir ?? FindCocoImages(path));
            if (ext is ".yaml" or ".yml") return YoloDatasetReader.Read(path, split);
            throw new ArgumentException($"{path}: not a dataset file (expected a COCO .json or a YOLO data.yaml).");
        }
        if (!Directory.Exists(path))
            throw new FileNotFoundException($"dataset '{path}' does not exist.", path);

        string yaml = Path.Combine(path, "data.yaml");
        if (File.Exists(yaml)) return YoloDatasetReader.Read(yaml, split);

        string synth = Path.Combine(path, split, "instances.json");
        if (File.Exists(synth)) return CocoDatasetReader.Read(synth, imagesDir ?? Path.Combine(path, split, "images"));
        string single = Path.Combine(path, "instances.json"); // one split of it
        if (File.Exists(single)) return CocoDatasetReader.Read(single, imagesDir ?? Path.Combine(path, "images"));

        string annotations = Path.Combine(path, "annotations");
        if (Directory.Exists(annotations))
        {
            var candidates = Directory.GetFiles(annotations, $"instances_{split}*.json").Order(StringComparer.Ordinal).ToArray();
            if (candidates.Length == 1) return CocoDatasetReader.Read(candidates[0], imagesDir ?? FindCocoImages(candidates[0]));
            if (candidates.Length > 1)
                throw new ArgumentException($"{annotations}: several annotation files for split '{split}' " +
                                            $"({string.Join(", ", candidates.Select(Path.GetFileName))}); pass the one you mean.");
        }
        throw new ArgumentException(
            $"{path}: no dataset found for split '{split}'. Looked for data.yaml (YOLO), {split}/instances.json " +
            $"(detect synth) and annotations/instances_{split}*.json (COCO).");
    }

    /// <summary>Where COCO's images usually are relative to an instances file.</summary>
    static string FindCocoImages(string annotationFile)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(annotationFile))!;
        string root = Path.GetDirectoryName(dir) ?? dir;
        var candidates = new List<string> { Path.Combine(dir, "images") };
        // instances_train2017_extra.json -> train2017_extra, train2017
        string name = Path.GetFileNameWithoutExtension(annotationFile);
        if (name.StartsWith("instances_", StringComparison.Ordinal))
        {
            string[] parts = name["instances_".Length..].Split('_');
            for (int n = parts.Length; n >= 1; n--)
            {
                string folder = string.Join('_', parts.Take(n));
                candidates.Add(Path.Combine(root, "images", folder));
                candidates.Add(Path.Combine(root, folder));
            }
        }
        return candidates.FirstOrDefault(Directory.Exists)
               ?? throw new DirectoryNotFoundException(
                   $"{annotationFile}: could not find its images (looked in {string.Join(", ", candidates)}); pass the images folder.");
    }
}
