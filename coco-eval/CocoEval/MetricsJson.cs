using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CocoEval;

/// <summary>
/// The one metrics file layout, written by <c>coco-eval --json</c> and <c>detect val --json</c>: what was evaluated
/// (<c>about</c>), the 12 stats at full precision with their names, mAP50-95 and mAP50 by name, the maxDets, counts
/// and per-category results; a caller may add its own fields after them (val: seconds, data_issues).
/// </summary>
public static class MetricsJson
{
    public static void Write(string path, CocoEvalResult result, IReadOnlyDictionary<string, string> about,
        IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartObject("about");
        foreach (var (key, value) in about)
            w.WriteString(key, value);
        w.WriteEndObject();
        w.WriteString("iou_type", "bbox");

        w.WriteStartArray("stats");
        foreach (double s in result.Stats)
            w.WriteNumberValue(s);
        w.WriteEndArray();
        w.WriteStartArray("stat_names");
        foreach (string name in CocoEvalResult.StatNames)
            w.WriteStringValue(name);
        w.WriteEndArray();
        w.WriteNumber("map50_95", result.Stats[0]);
        w.WriteNumber("map50", result.Stats[1]);
        w.WriteStartArray("max_dets");
        foreach (int m in result.MaxDets)
            w.WriteNumberValue(m);
        w.WriteEndArray();
        w.WriteBoolean("corrected_headline", result.HeadlineAtLargestMaxDets);

        var c = result.Counts;
        w.WriteStartObject("counts");
        w.WriteNumber("images", c.Images);
        w.WriteNumber("gt_annotations", c.GtAnnotations);
        w.WriteNumber("detections", c.Detections);
        w.WriteNumber("categories", result.Categories.Count);
        w.WriteNumber("unknown_category_detections", c.UnknownCategoryDetectionCount);
        w.WriteStartObject("unknown_category_ids");
        foreach (var (id, count) in c.UnknownCategoryDetections)
            w.WriteNumber(id.ToString(CultureInfo.InvariantCulture), count);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("per_category");
        foreach (var k in result.Categories)
        {
            w.WriteStartObject();
            w.WriteNumber("id", k.Id);
            w.WriteString("name", k.Name);
            w.WriteNumber("ap", k.AP);
            w.WriteNumber("ap50", k.AP50);
            w.WriteNumber("ap75", k.AP75);
            w.WriteNumber("ar", k.AR);
            w.WriteNumber("gt", k.GtCount);
            w.WriteNumber("detections", k.DetectionCount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        foreach (var (key, value) in extra ?? new Dictionary<string, JsonNode?>())
        {
            w.WritePropertyName(key);
            if (value is null)
                w.WriteNullValue();
            else
                value.WriteTo(w);
        }
        w.WriteEndObject();
    }
}
