using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ParNetDetect.Data;

/// <summary>
/// Reads the YOLO layout: a data.yaml (<c>path</c>, <c>train</c>/<c>val</c>/<c>test</c> as image folders,
/// .txt image lists or lists of either, <c>names</c> as a list or an index map) and one label file per image at
/// the image path with the last <c>images</c> folder replaced by <c>labels</c> and a .txt extension, each line
/// <c>class cx cy w h</c> normalised to [0,1] (segment lines <c>class x1 y1 x2 y2 ...</c> are reduced to their
/// box). Bad lines are skipped and counted with file:line; a missing or empty label file makes a background image.
/// </summary>
public static class YoloDatasetReader
{
    static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
        { ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff" };

    public static DetectionDataset Read(string dataYaml, string split)
    {
        var config = DataYaml.Load(dataYaml);
        if (!config.Splits.TryGetValue(split, out var sources))
            throw new ArgumentException($"{dataYaml}: no '{split}' split (it has {string.Join(", ", config.Splits.Keys)}).");
        var imagePaths = sources.SelectMany(s => ListImages(s, config.Root, dataYaml)).ToList();
        var categories = CategoryMap.Identity(config.Names);
        var issues = new DatasetIssues();

        var records = new ImageRecord?[imagePaths.Count];
        var labelFiles = new string?[imagePaths.Count];
        Parallel.For(0, imagePaths.Count, i => records[i] = ReadImage(i, imagePaths[i], categories.Count, issues, out labelFiles[i]));
        var imageLists = sources.Select(s => Path.GetFullPath(Path.Combine(config.Root, s))).Where(File.Exists);
        return new DetectionDataset($"{dataYaml} [{split}]", "yolo", categories,
            records.Where(r => r != null).Select(r => r!).ToList(), issues,
            [dataYaml, .. imageLists, .. labelFiles.OfType<string>()]);
    }

    /// <summary>labels/ beside images/: the last "images" folder of the path becomes "labels".</summary>
    public static string LabelPathFor(string imagePath)
    {
        string sep = Path.DirectorySeparatorChar.ToString();
        string marker = sep + "images" + sep;
        int at = imagePath.LastIndexOf(marker, StringComparison.Ordinal);
        string labels = at >= 0 ? imagePath[..at] + sep + "labels" + sep + imagePath[(at + marker.Length)..] : imagePath;
        return Path.ChangeExtension(labels, ".txt");
    }

    static IEnumerable<string> ListImages(string source, string root, string dataYaml)
    {
        string full = Path.GetFullPath(Path.Combine(root, source));
        if (Directory.Exists(full))
            return Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal);
        if (File.Exists(full) && full.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            return File.ReadLines(full).Select(l => l.Trim()).Where(l => l.Length > 0)
                .Select(l => Path.GetFullPath(Path.Combine(l.StartsWith("./") ? root : Path.GetDirectoryName(full)!, l)));
        throw new DirectoryNotFoundException($"{dataYaml}: split source '{source}' ({full}) is neither a folder of images nor a .txt list.");
    }

    /// <summary>The image's record (null when it is missing or unreadable) and its label file when it has one.</summary>
    static ImageRecord? ReadImage(int index, string imagePath, int classCount, DatasetIssues issues, out string? labelFile)
    {
        labelFile = null;
        if (!File.Exists(imagePath)) { issues.Add(DatasetIssues.MissingImage, imagePath); return null; }
        if (ImageHeader.TryReadSize(imagePath) is not var (width, height))
        {
            issues.Add(DatasetIssues.CorruptImage, imagePath);
            return null;
        }
        string labelPath = LabelPathFor(imagePath);
        var annotations = new List<Annotation>();
        if (!File.Exists(labelPath)) issues.Add(DatasetIssues.MissingLabelFile, labelPath);
        else
        {
            labelFile = labelPath;
            int lineNumber = 0, boxes = 0;
            foreach (string line in File.ReadLines(labelPath))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                boxes++;
                string where = $"{labelPath}:{lineNumber}";
                if (!TryParseLine(line, out int cls, out BoxXywh normalized))
                {
                    issues.Add(DatasetIssues.MalformedLabelLine, where);
                    continue;
                }
                if ((uint)cls >= (uint)classCount)
                {
                    issues.Add(DatasetIssues.ClassOutOfRange, $"{where} (class {cls}, {classCount} classes)");
                    continue;
                }
                var pixels = new BoxXywh(normalized.X * width, normalized.Y * height, normalized.Width * width, normalized.Height * height);
                if (BoxSanitizer.Clip(pixels, width, height, where, issues) is { } box)
                    annotations.Add(new Annotation(((long)index << 16) + lineNumber, cls, box, false, box.Area));
            }
            if (boxes == 0) issues.Add(DatasetIssues.EmptyLabelFile, labelPath);
        }
        // YOLO images have no ids; the file name is the id when it is a number (COCO's 000000000009.jpg), else the index.
        long id = long.TryParse(Path.GetFileNameWithoutExtension(imagePath), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : index;
        return new ImageRecord(id, imagePath, width, height, annotations.ToArray());
    }

    /// <summary>"cls cx cy w h", or a segment "cls x1 y1 x2 y2 x3 y3 ..." reduced to its bounding box; top-left xywh out.</summary>
    static bool TryParseLine(string line, out int cls, out BoxXywh box)
    {
        box = default;
        cls = -1;
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 5 || (parts.Length > 5 && parts.Length % 2 == 0)) return false;
        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double c) || c != Math.Floor(c) || c < 0 || c > int.MaxValue)
            return false;
        cls = (int)c;
        var v = new float[parts.Length - 1];
        for (int i = 0; i < v.Length; i++)
            if (!float.TryParse(parts[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !float.IsFinite(v[i])) return false;
        if (v.Length == 4)
        {
            box = new BoxXywh(v[0] - v[2] / 2, v[1] - v[3] / 2, v[2], v[3]);
            return v[2] > 0 && v[3] > 0;
        }
        float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
        for (int i = 0; i < v.Length; i += 2)
        {
            x1 = Math.Min(x1, v[i]); x2 = Math.Max(x2, v[i]);
            y1 = Math.Min(y1, v[i + 1]); y2 = Math.Max(y2, v[i + 1]);
        }
        box = BoxXywh.FromCorners(x1, y1, x2, y2);
        return true;
    }

    /// <summary>The parts of data.yaml a detection dataset needs.</summary>
    sealed record DataYaml(string Root, Dictionary<string, List<string>> Splits, IReadOnlyList<string> Names)
    {
        public static DataYaml Load(string path)
        {
            YamlMappingNode map;
            try
            {
                var stream = new YamlStream();
                using (var reader = File.OpenText(path)) stream.Load(reader);
                map = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode m ? m
                    : throw new InvalidDataException($"{path}: expected a mapping with path, train, val and names.");
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new InvalidDataException($"{path}:{e.Start.Line}: malformed YAML: {e.Message}", e);
            }

            string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            string root = Scalar(map, "path") is { Length: > 0 } p ? Path.GetFullPath(Path.Combine(dir, p)) : dir;
            var splits = new Dictionary<string, List<string>>();
            foreach (string split in new[] { "train", "val", "test" })
            {
                if (!map.Children.TryGetValue(new YamlScalarNode(split), out var node)) continue;
                var list = node switch
                {
                    YamlScalarNode s when !string.IsNullOrEmpty(s.Value) => [s.Value],
                    YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(s => s.Value!).ToList(),
                    _ => new List<string>(),
                };
                if (list.Count > 0) splits[split] = list;
            }
            return new DataYaml(root, splits, ReadNames(map, path));
        }

        static IReadOnlyList<string> ReadNames(YamlMappingNode map, string path)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode("names"), out var node))
                throw new InvalidDataException($"{path}: no 'names' (the class names, a list or an index map).");
            if (node is YamlSequenceNode seq) return seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
            if (node is YamlMappingNode byIndex)
            {
                var pairs = byIndex.Children.Select(kv => (Index: int.Parse(((YamlScalarNode)kv.Key).Value!, CultureInfo.InvariantCulture),
                    Name: ((YamlScalarNode)kv.Value).Value ?? "")).OrderBy(p => p.Index).ToList();
                for (int i = 0; i < pairs.Count; i++)
                    if (pairs[i].Index != i)
                        throw new InvalidDataException($"{path}: 'names' indices must be 0..{pairs.Count - 1} without gaps (missing {i}).");
                return pairs.Select(p => p.Name).ToList();
            }
            throw new InvalidDataException($"{path}: 'names' must be a list or a map of index: name.");
        }

        static string? Scalar(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlScalarNode s ? s.Value : null;
    }
}
