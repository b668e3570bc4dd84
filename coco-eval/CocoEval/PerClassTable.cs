using System.Text;

namespace CocoEval;

/// <summary>
/// The one per-category table (<c>coco-eval --per-class</c>, <c>detect val</c>): AP, AP50, AP75 and AR at the
/// largest maxDets, GT boxes and detections per category, and at IoU 0.50 the score threshold (conf) that
/// maximises F1 with the F1, precision and recall there; the last row ("all") holds the summary's numbers and one
/// threshold for every category.
/// </summary>
public static class PerClassTable
{
    public static string Format(CocoEvalResult result)
    {
        int nameWidth = Math.Max(8, result.Categories.Select(c => c.Name.Length).DefaultIfEmpty(0).Max());
        string ar = $"AR{result.MaxDets[^1]}";
        var text = new StringBuilder();
        text.Append('\n').Append($"{"id",6}  {"category".PadRight(nameWidth)}  {"AP",6}  {"AP50",6}  {"AP75",6}  {ar,6}  {"GT",7}  {"dets",8}")
            .Append($"  {"F1",6}  {"conf",6}  {"P",6}  {"R",6}\n");
        foreach (var c in result.Categories)
            text.Append($"{c.Id,6}  {c.Name.PadRight(nameWidth)}  {Num(c.AP),6}  {Num(c.AP50),6}  {Num(c.AP75),6}  {Num(c.AR),6}  {c.GtCount,7}  {c.DetectionCount,8}")
                .Append(BestF1(c.BestF1)).Append('\n');
        var s = result.Stats;
        text.Append($"{"",6}  {"all".PadRight(nameWidth)}  {Num(s[0]),6}  {Num(s[1]),6}  {Num(s[2]),6}  {Num(s[8]),6}  {result.Categories.Sum(c => c.GtCount),7}  {result.Counts.Detections,8}")
            .Append(BestF1(result.BestF1)).Append('\n');
        text.Append("F1, P and R at IoU 0.50 where conf (the lowest score kept) maximises F1; all: one conf for every category\n");
        return text.ToString();
    }

    private static string BestF1(OperatingPoint? p) =>
        p is null ? $"  {"-",6}  {"-",6}  {"-",6}  {"-",6}"
            : $"  {Num(p.F1),6}  {Num(p.Threshold),6}  {Num(p.Precision),6}  {Num(p.Recall),6}";

    /// <summary>Three decimals like the summary; "-" where the category has no GT.</summary>
    private static string Num(double v) => v > -1 ? PythonFormat.Fixed(v, 3) : "-";
}
