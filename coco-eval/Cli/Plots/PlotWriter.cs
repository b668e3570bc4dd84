using ParNetDetect.FileSafety;
using ScottPlot;

namespace CocoEval.Cli.Plots;

/// <summary>
/// Writes the <c>--plots</c> PNGs: precision-recall curves at IoU .50, .75 and the .50:.95 mean (all classes and per
/// class) and F1 against confidence at IoU .50 with the best threshold marked.
/// </summary>
internal static class PlotWriter
{
    private const int Width = 900, Height = 650;
    private static readonly (int? T, string Label, Color Color)[] IouCurves =
    [
        (0, "IoU 0.50", Colors.Blue), (5, "IoU 0.75", Colors.DarkOrange), (null, "IoU 0.50:0.95 mean", Colors.Green),
    ];

    /// <summary>Every plot into <paramref name="directory"/>; each file is checked by <paramref name="outputs"/> before any is written.</summary>
    public static void WriteAll(string directory, CocoEvalResult result, OutputGuard outputs)
    {
        var categories = result.Categories;
        var plots = new List<(string Path, Action<string> Write)>
        {
            (Path.Combine(directory, "pr_curve.png"), path => WritePrAllClasses(path, result)),
            (Path.Combine(directory, "pr_curve_iou50_by_class.png"), path => WritePrByClass(path, result)),
            (Path.Combine(directory, "f1_confidence.png"), path => WriteF1(path, result)),
        };
        string perClass = Path.Combine(directory, "per_class");
        for (int k = 0; k < categories.Count; k++)
        {
            var c = categories[k];
            if (c.GtCount == 0)
                continue;
            int index = k;
            string stem = Path.Combine(perClass, $"{c.Id}_{SafeName(c.Name)}");
            plots.Add((stem + "_pr.png", path => WritePrOneClass(path, result, index)));
            if (c.Curve is not null)
                plots.Add((stem + "_f1.png", path => WriteF1OneClass(path, c)));
        }
        foreach (var (path, _) in plots)
            outputs.File(path, "--plots");
        Directory.CreateDirectory(perClass);
        Parallel.ForEach(plots, plot => plot.Write(plot.Path));
    }

    private static void WritePrAllClasses(string path, CocoEvalResult result)
    {
        var plot = NewPlot("Precision-recall, all classes (mean over classes)", "Recall", "Precision");
        foreach (var (t, label, color) in IouCurves)
        {
            var mean = CurveData.Mean(Enumerable.Range(0, result.Categories.Count).Select(k => CurveData.Precision(result, k, t)));
            if (mean is not null)
                AddLine(plot, CurveData.Recall, mean, $"{label}: AP {mean.Average():F3}", color, 2.5f);
        }
        Save(plot, path);
    }

    private static void WritePrByClass(string path, CocoEvalResult result)
    {
        var plot = NewPlot("Precision-recall at IoU 0.50, each class (grey) and their mean", "Recall", "Precision");
        var curves = Enumerable.Range(0, result.Categories.Count).Select(k => CurveData.Precision(result, k, 0)).ToList();
        foreach (var curve in curves.OfType<double[]>())
            AddLine(plot, CurveData.Recall, curve, null, Colors.Gray.WithAlpha(0.35), 1);
        if (CurveData.Mean(curves) is { } mean)
            AddLine(plot, CurveData.Recall, mean, $"all classes: AP50 {mean.Average():F3}", Colors.Blue, 3);
        Save(plot, path);
    }

    private static void WritePrOneClass(string path, CocoEvalResult result, int k)
    {
        var c = result.Categories[k];
        var plot = NewPlot($"Precision-recall: {c.Name} (id {c.Id}, {c.GtCount} GT)", "Recall", "Precision");
        foreach (var (t, label, color) in IouCurves)
            if (CurveData.Precision(result, k, t) is { } curve)
                AddLine(plot, CurveData.Recall, curve, $"{label}: AP {curve.Average():F3}", color, 2.5f);
        Save(plot, path);
    }

    private static void WriteF1(string path, CocoEvalResult result)
    {
        var plot = NewPlot("F1 vs confidence at IoU 0.50, each class (grey) and their mean", "Confidence", "F1");
        var curves = result.Categories.Select(c => c.Curve).OfType<ConfidenceCurve>().ToList();
        foreach (var curve in curves)
            AddLine(plot, curve.Confidence, curve.F1(), null, Colors.Gray.WithAlpha(0.35), 1);
        if (curves.Count > 0)
        {
            var mean = CurveData.Mean(curves.Select(c => c.F1()))!;
            var precision = CurveData.Mean(curves.Select(c => c.Precision))!;
            var recall = CurveData.Mean(curves.Select(c => c.Recall))!;
            var (best, f1) = CurveData.ArgMax(mean);
            double confidence = ConfidenceCurve.Grid[best];
            AddLine(plot, ConfidenceCurve.Grid, mean,
                $"all classes: best F1 {f1:F3} at confidence {confidence:F3} (P {precision[best]:F3}, R {recall[best]:F3})", Colors.Blue, 3);
            MarkThreshold(plot, confidence);
        }
        Save(plot, path);
    }

    private static void WriteF1OneClass(string path, CategoryResult c)
    {
        var curve = c.Curve!;
        var plot = NewPlot($"F1 vs confidence at IoU 0.50: {c.Name} (id {c.Id})", "Confidence", "F1 / precision / recall");
        var f1 = curve.F1();
        var (best, value) = CurveData.ArgMax(f1);
        AddLine(plot, curve.Confidence, curve.Precision, "precision", Colors.DarkOrange, 1.5f);
        AddLine(plot, curve.Confidence, curve.Recall, "recall", Colors.Green, 1.5f);
        AddLine(plot, curve.Confidence, f1, $"F1: best {value:F3} at confidence {curve.Confidence[best]:F3}", Colors.Blue, 3);
        MarkThreshold(plot, curve.Confidence[best]);
        Save(plot, path);
    }

    private static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        return plot;
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string? label, Color color, float width)
    {
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LineWidth = width;
        if (label is not null)
            line.LegendText = label;
    }

    private static void MarkThreshold(Plot plot, double confidence)
    {
        var line = plot.Add.VerticalLine(confidence, 1.5f, Colors.Red);
        line.LinePattern = LinePattern.Dashed;
    }

    private static void Save(Plot plot, string path)
    {
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>A category name usable in a file name.</summary>
    private static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        string safe = new(name.Select(ch => invalid.Contains(ch) || char.IsWhiteSpace(ch) ? '_' : ch).ToArray());
        return safe.Length > 60 ? safe[..60] : safe;
    }
}
