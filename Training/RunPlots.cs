using CocoEval;
using ScottPlot;

namespace ParNetDetect.Training;

/// <summary>
/// The run folder's PNGs: losses.png and map.png (per epoch, from results.csv) and pr_curve.png (the latest
/// validation's precision-recall curve at IoU 0.50, mean over the classes that have ground truth).
/// </summary>
public static class RunPlots
{
    const int Width = 900, Height = 600;
    const string LossesFile = "losses.png", MapFile = "map.png", PrecisionRecallFile = "pr_curve.png";

    public static readonly string[] Files = [LossesFile, MapFile, PrecisionRecallFile];

    public static void WriteCurves(string runDir)
    {
        var rows = ResultsCsv.Read(runDir);
        if (rows.Count == 0) return;
        double[] epochs = rows.Select(r => Number(r["epoch"]) ?? 0).ToArray();
        Write(Path.Combine(runDir, LossesFile), "Training loss per epoch (gain-weighted parts)", "Epoch", "Loss", rows, epochs,
            ("train_box", "box", Colors.Blue), ("train_obj", "objectness", Colors.DarkOrange),
            ("train_cls", "class", Colors.Green), ("train_total", "total", Colors.Black));
        Write(Path.Combine(runDir, MapFile), "Validation mAP per epoch", "Epoch", "mAP", rows, epochs,
            ("val_map50", "mAP50", Colors.Blue), ("val_map50_95", "mAP50-95", Colors.Green));
    }

    public static void WritePrecisionRecall(string runDir, CocoEvalResult result)
    {
        var recall = CocoEvalParams.RecallThresholds.ToArray();
        var perClass = Enumerable.Range(0, result.Categories.Count)
            .Select(k => recall.Select((_, r) => result.Precision(0, r, k, 0, result.MaxDets.Count - 1)).ToArray())
            .Where(curve => curve[0] >= 0).ToList();   // -1: a class without ground truth
        if (perClass.Count == 0) return;
        var mean = recall.Select((_, r) => perClass.Average(c => c[r])).ToArray();
        var plot = new Plot();
        plot.Title($"Precision-recall at IoU 0.50 (mean of {perClass.Count} classes): AP50 {mean.Average():F3}");
        plot.XLabel("Recall");
        plot.YLabel("Precision");
        var line = plot.Add.ScatterLine(recall, mean, Colors.Blue);
        line.LineWidth = 2.5f;
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.SavePng(Path.Combine(runDir, PrecisionRecallFile), Width, Height);
    }

    static void Write(string path, string title, string x, string y, List<Dictionary<string, string>> rows, double[] epochs,
        params (string Column, string Label, Color Color)[] series)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        bool any = false;
        foreach (var (column, label, color) in series)
        {
            var points = rows.Select((r, i) => (X: epochs[i], Y: Number(r.GetValueOrDefault(column, "")))).Where(p => p.Y is not null).ToList();
            if (points.Count == 0) continue;
            var line = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y!.Value).ToArray(), color);
            line.LineWidth = 2;
            line.LegendText = label;
            any = true;
        }
        if (!any) return;
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    static double? Number(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : null;
}
