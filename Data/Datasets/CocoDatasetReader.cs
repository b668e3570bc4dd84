using System.Text.Json;
using CocoEval;
using CocoEval.Json;

namespace ParNetDetect.Data;

/// <summary>
/// Reads a COCO "instances" annotation file in one streaming pass (CocoEval's <see cref="JsonFileReader"/>;
/// segmentation polygons are skipped, never materialised), so COCO 2017's 450 MB train file loads in seconds and
/// well under a gigabyte. The sections may come in any order; annotations are grouped by image afterwards.
/// Malformed JSON or a broken top-level structure is an error naming the file and line; a bad single annotation
/// (unknown image or category, bad bbox) is skipped and counted in <see cref="DatasetIssues"/>.
/// </summary>
public static class CocoDatasetReader
{
    public static DetectionDataset Read(string annotationFile, string imagesDir, bool checkImagesExist = true)
    {
        var issues = new DatasetIssues();
        CocoFile parsed;
        using (var stream = new FileStream(annotationFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            try
            {
                parsed = Parse(stream, annotationFile, issues);
            }
            catch (CocoDataException e) when (e.InnerException is JsonException json) // the reader's malformed JSON
            {
                throw new InvalidDataException(
                    $"{annotationFile}:{json.LineNumber + 1}: malformed JSON (byte {json.BytePositionInLine + 1} of the line): {FirstSentence(json.Message)}", json);
            }
        }
        if (parsed.Categories.Count == 0)
            throw new InvalidDataException($"{annotationFile}: no \"categories\"; a COCO instances file lists its classes there.");
        var categories = new CategoryMap(parsed.Categories.OrderBy(c => c.Id).ToList());
        var images = Assemble(parsed, categories, imagesDir, annotationFile, checkImagesExist, issues);
        return new DetectionDataset(annotationFile, "coco", categories, images, issues, [annotationFile]);
    }

    sealed record CocoImage(long Id, string FileName, int Width, int Height);

    record struct CocoAnnotation(long Id, long ImageId, int CategoryId, BoxXywh Box, double Area, bool IsCrowd);

    sealed class CocoFile
    {
        public readonly List<CocoImage> Images = new();
        public readonly List<CocoAnnotation> Annotations = new();
        public readonly List<(int Id, string Name)> Categories = new();
    }

    static CocoFile Parse(Stream stream, string path, DatasetIssues issues)
    {
        var file = new CocoFile();
        var json = new JsonFileReader(stream, path);
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            throw Structure(json, json.Position, "the file must be one JSON object with \"images\", \"annotations\" and \"categories\"");
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.IsProperty("images"u8)) ReadArray(ref json, path, "images", file, static (ref JsonFileReader j, string p, CocoFile f, DatasetIssues _) => f.Images.Add(ReadImage(ref j, p)), issues);
            else if (json.IsProperty("annotations"u8)) ReadArray(ref json, path, "annotations", file, static (ref JsonFileReader j, string p, CocoFile f, DatasetIssues i) => ReadAnnotation(ref j, p, f, i), issues);
            else if (json.IsProperty("categories"u8)) ReadArray(ref json, path, "categories", file, static (ref JsonFileReader j, string p, CocoFile f, DatasetIssues _) => f.Categories.Add(ReadCategory(ref j, p)), issues);
            else json.SkipValue(json.PropertyName());
        }
        return file;
    }

    delegate void ElementReader(ref JsonFileReader json, string path, CocoFile file, DatasetIssues issues);

    static void ReadArray(ref JsonFileReader json, string path, string name, CocoFile file, ElementReader element, DatasetIssues issues)
    {
        if (!json.Read() || json.TokenType != JsonTokenType.StartArray)
            throw Structure(json, json.Position, $"\"{name}\" must be an array");
        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
        {
            if (json.TokenType != JsonTokenType.StartObject)
                throw Structure(json, json.Position, $"each entry of \"{name}\" must be an object");
            element(ref json, path, file, issues);
        }
    }

    static CocoImage ReadImage(ref JsonFileReader json, string path)
    {
        long start = json.Position;
        long? id = null;
        string? fileName = null;
        int width = 0, height = 0;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.IsProperty("id"u8)) { json.Read(); id = json.Int64Value(); }
            else if (json.IsProperty("file_name"u8)) { json.Read(); fileName = json.StringValue(); }
            else if (json.IsProperty("width"u8)) { json.Read(); width = (int)json.Int64Value(); }
            else if (json.IsProperty("height"u8)) { json.Read(); height = (int)json.Int64Value(); }
            else json.SkipValue(json.PropertyName());
        }
        if (id == null || string.IsNullOrEmpty(fileName) || width <= 0 || height <= 0)
            throw Structure(json, start, "an image entry needs \"id\", \"file_name\" and positive \"width\" and \"height\"");
        return new CocoImage(id.Value, fileName, width, height);
    }

    static void ReadAnnotation(ref JsonFileReader json, string path, CocoFile file, DatasetIssues issues)
    {
        long? id = null, imageId = null;
        int? categoryId = null;
        double area = -1;
        bool crowd = false;
        Span<double> bbox = stackalloc double[4];
        int bboxCount = -1;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.IsProperty("id"u8)) { json.Read(); id = json.Int64Value(); }
            else if (json.IsProperty("image_id"u8)) { json.Read(); imageId = json.Int64Value(); }
            else if (json.IsProperty("category_id"u8)) { json.Read(); categoryId = (int)json.Int64Value(); }
            else if (json.IsProperty("area"u8)) { json.Read(); area = json.DoubleValue(); }
            else if (json.IsProperty("iscrowd"u8)) { json.Read(); crowd = json.TokenType == JsonTokenType.True || (json.TokenType == JsonTokenType.Number && json.Int64Value() != 0); }
            else if (json.IsProperty("bbox"u8))
            {
                json.Read();
                if (json.TokenType != JsonTokenType.StartArray) { json.SkipCurrent("bbox"); continue; }
                bboxCount = 0;
                while (json.Read() && json.TokenType != JsonTokenType.EndArray)
                {
                    if (json.TokenType == JsonTokenType.Number && bboxCount < 4) bbox[bboxCount] = json.DoubleValue();
                    bboxCount++;
                }
            }
            else json.SkipValue(json.PropertyName());
        }
        if (id == null || imageId == null || categoryId == null || bboxCount != 4)
        {
            issues.Add(DatasetIssues.MalformedAnnotation, $"{Path.GetFileName(path)} annotation id {id?.ToString() ?? "?"} needs id, image_id, category_id and a 4-number bbox");
            return;
        }
        var box = new BoxXywh((float)bbox[0], (float)bbox[1], (float)bbox[2], (float)bbox[3]);
        file.Annotations.Add(new CocoAnnotation(id.Value, imageId.Value, categoryId.Value, box, area >= 0 ? area : box.Area, crowd));
    }

    static (int, string) ReadCategory(ref JsonFileReader json, string path)
    {
        long start = json.Position;
        int? id = null;
        string? name = null;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.IsProperty("id"u8)) { json.Read(); id = (int)json.Int64Value(); }
            else if (json.IsProperty("name"u8)) { json.Read(); name = json.StringValue(); }
            else json.SkipValue(json.PropertyName());
        }
        if (id == null || string.IsNullOrEmpty(name))
            throw Structure(json, start, "a category entry needs \"id\" and \"name\"");
        return (id.Value, name);
    }

    static List<ImageRecord> Assemble(CocoFile file, CategoryMap categories, string imagesDir, string path,
        bool checkImagesExist, DatasetIssues issues)
    {
        string source = Path.GetFileName(path);
        var indexById = new Dictionary<long, int>(file.Images.Count);
        var images = new List<CocoImage>(file.Images.Count);
        foreach (var image in file.Images)
        {
            if (indexById.TryAdd(image.Id, images.Count)) images.Add(image);
            else issues.Add(DatasetIssues.DuplicateImage, $"{source} image id {image.Id}");
        }

        var perImage = new List<Annotation>?[images.Count];
        foreach (var a in file.Annotations)
        {
            if (!indexById.TryGetValue(a.ImageId, out int imageIndex))
            {
                issues.Add(DatasetIssues.OrphanAnnotation, $"{source} annotation id {a.Id} -> image id {a.ImageId}");
                continue;
            }
            if (!categories.TryGetClassIndex(a.CategoryId, out int classIndex))
            {
                issues.Add(DatasetIssues.UnknownCategory, $"{source} annotation id {a.Id} -> category id {a.CategoryId}");
                continue;
            }
            var image = images[imageIndex];
            var box = BoxSanitizer.Clip(a.Box, image.Width, image.Height, $"{source} annotation id {a.Id}", issues);
            if (box == null) continue;
            (perImage[imageIndex] ??= new List<Annotation>()).Add(new Annotation(a.Id, classIndex, box.Value, a.IsCrowd, a.Area));
        }

        var exists = new bool[images.Count];
        Parallel.For(0, images.Count, i => exists[i] = !checkImagesExist || File.Exists(Path.Combine(imagesDir, images[i].FileName)));
        var records = new List<ImageRecord>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            string imagePath = Path.Combine(imagesDir, image.FileName);
            if (!exists[i]) { issues.Add(DatasetIssues.MissingImage, imagePath); continue; }
            records.Add(new ImageRecord(image.Id, imagePath, image.Width, image.Height, perImage[i]?.ToArray() ?? []));
        }
        return records;
    }

    static InvalidDataException Structure(in JsonFileReader json, long offset, string what) =>
        new($"{json.Path}:{json.LineOf(offset)}: {what}.");

    static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd(' ', '|', '.');
    }
}
