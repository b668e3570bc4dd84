using System.Text.Json;

namespace CocoEval.Json;

/// <summary>Streaming readers for COCO instances files and COCO results files; no DOM of the whole file is built.</summary>
internal static class CocoJsonLoader
{
    public static CocoGroundTruth LoadGroundTruth(string path)
    {
        using var stream = OpenRead(path);
        var r = new JsonFileReader(stream, path);
        r.Expect(JsonTokenType.StartObject, "the ground truth (a COCO instances object)");
        List<CocoImage>? images = null;
        List<CocoCategory>? categories = null;
        var annotations = new List<CocoAnnotation>();
        while (r.NextProperty("the ground truth object"))
        {
            if (r.IsProperty("images"u8))
                images = ReadArray(ref r, "images", ReadImage);
            else if (r.IsProperty("categories"u8))
                categories = ReadArray(ref r, "categories", ReadCategory);
            else if (r.IsProperty("annotations"u8))
                annotations = ReadArray(ref r, "annotations", ReadAnnotation);
            else
                r.SkipValue(r.PropertyName());
        }
        if (images is null || categories is null)
            throw new CocoDataException($"{path}: a COCO instances file needs 'images' and 'categories' lists" +
                                        (images is null && categories is null ? "; is this a results file?" : ""));
        try
        {
            return new CocoGroundTruth(images, categories, annotations);
        }
        catch (CocoDataException e)
        {
            throw new CocoDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Detections from a COCO results array (what pycocotools' <c>loadRes</c> takes) or from an object with an
    /// <c>annotations</c> list. A detection on an image absent from <paramref name="groundTruth"/>, a negative or
    /// non-finite box size, or a negative score is an error that names its position in the file.
    /// </summary>
    public static List<CocoDetection> LoadDetections(string path, CocoGroundTruth groundTruth)
    {
        using var stream = OpenRead(path);
        var r = new JsonFileReader(stream, path);
        r.ReadRequired("the detections");
        if (r.TokenType == JsonTokenType.StartArray)
            return ReadDetections(ref r, groundTruth);
        if (r.TokenType != JsonTokenType.StartObject)
            throw r.Error("detections must be a JSON array of results or an object with an 'annotations' list");
        List<CocoDetection>? detections = null;
        while (r.NextProperty("the detections object"))
        {
            if (r.IsProperty("annotations"u8))
            {
                r.Expect(JsonTokenType.StartArray, "annotations");
                detections = ReadDetections(ref r, groundTruth);
            }
            else
                r.SkipValue(r.PropertyName());
        }
        return detections ?? throw new CocoDataException($"{path}: the detections object has no 'annotations' list");
    }

    private delegate T ElementReader<out T>(ref JsonFileReader r, int index);

    private static List<T> ReadArray<T>(ref JsonFileReader r, string name, ElementReader<T> read)
    {
        r.Expect(JsonTokenType.StartArray, name);
        var list = new List<T>();
        while (r.NextElement(name))
        {
            if (r.TokenType != JsonTokenType.StartObject)
                throw r.Error($"{name}[{list.Count}] must be an object");
            list.Add(read(ref r, list.Count));
        }
        return list;
    }

    private static CocoImage ReadImage(ref JsonFileReader r, int index)
    {
        string what = $"images[{index}]";
        long at = r.Position;
        long? id = null;
        string? fileName = null;
        int width = 0, height = 0;
        while (r.NextProperty(what))
        {
            if (r.IsProperty("id"u8)) id = r.ReadInt64("id");
            else if (r.IsProperty("file_name"u8)) fileName = r.ReadString("file_name");
            else if (r.IsProperty("width"u8)) width = (int)r.ReadDouble("width");
            else if (r.IsProperty("height"u8)) height = (int)r.ReadDouble("height");
            else r.SkipValue(what);
        }
        return new CocoImage(id ?? throw Missing(ref r, at, what, "id"), fileName, width, height);
    }

    private static CocoCategory ReadCategory(ref JsonFileReader r, int index)
    {
        string what = $"categories[{index}]";
        long at = r.Position;
        long? id = null;
        string? name = null;
        while (r.NextProperty(what))
        {
            if (r.IsProperty("id"u8)) id = r.ReadInt64("id");
            else if (r.IsProperty("name"u8)) name = r.ReadString("name");
            else r.SkipValue(what);
        }
        long categoryId = id ?? throw Missing(ref r, at, what, "id");
        return new CocoCategory(categoryId, name ?? categoryId.ToString());
    }

    private static CocoAnnotation ReadAnnotation(ref JsonFileReader r, int index)
    {
        string what = $"annotations[{index}]";
        long at = r.Position;
        long? id = null, imageId = null, categoryId = null;
        CocoBox? box = null;
        double? area = null;
        bool crowd = false;
        while (r.NextProperty(what))
        {
            if (r.IsProperty("id"u8)) id = r.ReadInt64("id");
            else if (r.IsProperty("image_id"u8)) imageId = r.ReadInt64("image_id");
            else if (r.IsProperty("category_id"u8)) categoryId = r.ReadInt64("category_id");
            else if (r.IsProperty("bbox"u8)) box = r.ReadBox("bbox");
            else if (r.IsProperty("area"u8)) area = r.ReadDouble("area");
            else if (r.IsProperty("iscrowd"u8)) crowd = r.ReadNumberOrBool("iscrowd") != 0;
            else r.SkipValue(what);
        }
        var b = box ?? throw Missing(ref r, at, what, "bbox");
        if (!b.IsValid)
            throw r.ErrorAt(at, $"{what} has a non-finite or negative-size bbox {Format(b)}");
        // pycocotools needs 'area'; files without it get the box area, as most converters write.
        return new CocoAnnotation(id ?? throw Missing(ref r, at, what, "id"), imageId ?? throw Missing(ref r, at, what, "image_id"),
            categoryId ?? throw Missing(ref r, at, what, "category_id"), b, area ?? b.Area, crowd);
    }

    private static List<CocoDetection> ReadDetections(ref JsonFileReader r, CocoGroundTruth groundTruth)
    {
        const string what = "a detection"; // the number is added only to an error message
        var list = new List<CocoDetection>();
        while (r.NextElement("the detections"))
        {
            try
            {
                list.Add(ReadDetection(ref r, what, groundTruth));
            }
            catch (CocoDataException e) when (e.InnerException is null)
            {
                throw new CocoDataException($"{e.Message} (detection #{list.Count + 1})", e);
            }
        }
        return list;
    }

    private static CocoDetection ReadDetection(ref JsonFileReader r, string what, CocoGroundTruth groundTruth)
    {
        if (r.TokenType != JsonTokenType.StartObject)
            throw r.Error($"{what} must be an object");
        long at = r.Position;
        long? imageId = null, categoryId = null;
        CocoBox? box = null;
        double? score = null;
        while (r.NextProperty(what))
        {
            if (r.IsProperty("image_id"u8)) imageId = r.ReadInt64("image_id");
            else if (r.IsProperty("category_id"u8)) categoryId = r.ReadInt64("category_id");
            else if (r.IsProperty("bbox"u8)) box = r.ReadBox("bbox");
            else if (r.IsProperty("score"u8)) score = r.ReadDouble("score");
            else r.SkipValue(what);
        }
        var detection = new CocoDetection(imageId ?? throw Missing(ref r, at, what, "image_id"),
            categoryId ?? throw Missing(ref r, at, what, "category_id"), box ?? throw Missing(ref r, at, what, "bbox"),
            score ?? throw Missing(ref r, at, what, "score"));
        string? problem = DetectionValidation.Problem(detection, groundTruth);
        return problem is null ? detection : throw r.ErrorAt(at, $"{what} {problem}");
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CocoDataException($"{path}: cannot open: {e.Message}", e);
        }
    }

    private static CocoDataException Missing(ref JsonFileReader r, long at, string what, string field) =>
        r.ErrorAt(at, $"{what} has no '{field}'");

    private static CocoDataException MissingHere(ref JsonFileReader r, string what, string field) =>
        r.Error($"{what} (ending here) has no '{field}'");

    internal static string Format(CocoBox b) => $"[{b.X}, {b.Y}, {b.Width}, {b.Height}]";
}
