using System.Globalization;
using System.Text;
using System.Text.Json;
using CocoEval;

namespace ParNetDetect.Training.Validation;

/// <summary>
/// COCO results format: a JSON array of {"image_id", "category_id", "bbox": [x, y, w, h], "score"}, the dataset's own
/// ids. Written by `detect val --save-json`, one file per shard; shards are merged by reading them back.
/// </summary>
public static class ResultsFile
{
    public static void Write(string path, IEnumerable<CocoDetection> detections)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId;
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16))
        {
            writer.Write('[');
            bool first = true;
            foreach (var d in detections)
            {
                writer.Write(first ? "\n" : ",\n");
                first = false;
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"image_id\": {d.ImageId}, \"category_id\": {d.CategoryId}, \"bbox\": [{Math.Round(d.Box.X, 3)}, {Math.Round(d.Box.Y, 3)}, {Math.Round(d.Box.Width, 3)}, {Math.Round(d.Box.Height, 3)}], \"score\": {Math.Round(d.Score, 5)}}}"));
            }
            writer.Write("\n]\n");
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads a results array; a malformed entry is an error naming the file and the entry.</summary>
    public static List<CocoDetection> Read(string path)
    {
        using var stream = File.OpenRead(path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path}: a COCO results file is a JSON array.");
            var list = new List<CocoDetection>(doc.RootElement.GetArrayLength());
            int index = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                try
                {
                    var box = e.GetProperty("bbox");
                    list.Add(new CocoDetection(e.GetProperty("image_id").GetInt64(), e.GetProperty("category_id").GetInt64(),
                        new CocoBox(box[0].GetDouble(), box[1].GetDouble(), box[2].GetDouble(), box[3].GetDouble()),
                        e.GetProperty("score").GetDouble()));
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
                {
                    throw new InvalidDataException($"{path}: result #{index} is not {{image_id, category_id, bbox[4], score}} ({ex.Message}).", ex);
                }
                index++;
            }
            return list;
        }
    }
}
