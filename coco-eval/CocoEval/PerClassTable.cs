using System.Text;

namespace CocoEval;

/// <summary>The one per-category table (<c>coco-eval --per-class</c>, <c>detect val</c>): AP, AP50, AP75 and AR at the
/// largest maxDets, GT boxes and detections per category.</summary>
public static class PerClassTable
{
    public static string Format(CocoEvalResult result)
    {
        int nameWidth = Math.Max(8, result.Categories.Select(c => c.Name.Length).DefaultIfEmpty(0).Max());
        string ar = $"AR{result.MaxDets[^1]}";
        var text = new StringBuilder();
        text.Append('\n').Append($"{"id",6}  {"category".PadRight(nameWidth)}  {"AP",6}  {"AP50",6}  {"AP75",6}  {ar,6}  {"GT",7}  {"dets",8}\n");
        foreach (var c in result.Categories)
            text.Append($"{c.Id,6}  {c.Name.PadRight(nameWidth)}  {Num(c.AP),6}  {Num(c.AP50),6}  {Num(c.AP75),6}  {Num(c.AR),6}  {c.GtCount,7}  {c.DetectionCount,8}\n");
        return text.ToString();
    }

    /// <summary>Three decimals like the summary; "-" where the category has no GT.</summary>
    private static string Num(double v) => v > -1 ? PythonFormat.Fixed(v, 3) : "-";
}
