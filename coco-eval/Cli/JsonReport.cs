using System.Text.Json;

namespace CocoEval.Cli;

/// <summary>The <c>--json OUT</c> file: the 12 stats at full precision, per-category results and counts.</summary>
internal static class JsonReport
{
    public static void Write(string path, CocoEvalResult result, string groundTruthPath, string detectionsPath)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("ground_truth", groundTruthPath);
        w.WriteString("detections", detectionsPath);
        w.WriteString("iou_type", "bbox");

        w.WriteStartArray("stats");
        foreach (double s in result.Stats)
            w.WriteNumberValue(s);
        w.WriteEndArray();
        w.WriteStartArray("stat_names");
        foreach (string name in CocoEvalResult.StatNames)
            w.WriteStringValue(name);
        w.WriteEndArray();
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
            w.WriteNumber(id.ToString(System.Globalization.CultureInfo.InvariantCulture), count);
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
            w.WriteNumber($"ar{result.MaxDets[^1]}", k.AR);
            w.WriteNumber("gt", k.GtCount);
            w.WriteNumber("detections", k.DetectionCount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
