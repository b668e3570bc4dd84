using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CocoEval;

/// <summary>
/// The one metrics file layout, written by <c>coco-eval --json</c> and <c>detect val --json</c>: what was evaluated
/// (<c>about</c>), the 12 stats at full precision with their names, mAP50-95 and mAP50 by name, the maxDets, counts,
/// at IoU 0.50 the best-F1 operating point and every detection's precision and recall (overall and per category),
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
        WriteOperatingPoints(w, result.BestF1, result.AllDetections);

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
            WriteOperatingPoints(w, k.BestF1, k.AllDetections);
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

    /// <summary>
    /// <c>best_f1</c>: the score threshold that maximises F1 at IoU 0.50 and precision, recall, F1, true and false
    /// positives there; <c>all_detections</c>: the same for every detection given (a detector's output at its own
    /// thresholds). Null where there is no true positive, or no GT.
    /// </summary>
    private static void WriteOperatingPoints(Utf8JsonWriter w, OperatingPoint? bestF1, OperatingPoint? allDetections)
    {
        Write("best_f1", bestF1, threshold: true);
        Write("all_detections", allDetections, threshold: false);

        void Write(string name, OperatingPoint? p, bool threshold)
        {
            if (p is null)
            {
                w.WriteNull(name);
                return;
            }
            w.WriteStartObject(name);
            if (threshold)
                w.WriteNumber("threshold", p.Threshold);
            w.WriteNumber("precision", p.Precision);
            w.WriteNumber("recall", p.Recall);
            w.WriteNumber("f1", p.F1);
            w.WriteNumber("tp", p.TruePositives);
            w.WriteNumber("fp", p.FalsePositives);
            w.WriteNumber("gt", p.GtCount);
            w.WriteEndObject();
        }
    }
}
