using System.Globalization;

namespace ParNetDetect.Training;

/// <summary>One row of results.csv: an epoch's training losses, validation metrics, learning rates and speed.</summary>
public sealed record EpochResult(int Epoch, double Box, double Objectness, double Class, double? MAP50, double? MAP50To95,
    double LrWeights, double LrBias, double Seconds, double ImagesPerSecond, double DataWaitShare);

/// <summary>results.csv in the run folder, one row per epoch, appended (a resumed run continues the same file).</summary>
public static class ResultsCsv
{
    public const string FileName = "results.csv";
    const string Header = "epoch,train_box,train_obj,train_cls,train_total,val_map50,val_map50_95,lr_weights,lr_bias,seconds,images_per_second,data_wait_share";

    public static void Append(string runDir, EpochResult r)
    {
        string path = Path.Combine(runDir, FileName);
        bool fresh = !File.Exists(path);
        using var w = new StreamWriter(path, append: true);
        if (fresh) w.WriteLine(Header);
        string Num(double? v, string format = "G6") => v?.ToString(format, CultureInfo.InvariantCulture) ?? "";
        w.WriteLine(string.Join(',', (r.Epoch + 1).ToString(CultureInfo.InvariantCulture), Num(r.Box), Num(r.Objectness), Num(r.Class),
            Num(r.Box + r.Objectness + r.Class), Num(r.MAP50), Num(r.MAP50To95), Num(r.LrWeights), Num(r.LrBias),
            Num(r.Seconds, "F1"), Num(r.ImagesPerSecond, "F2"), Num(r.DataWaitShare, "F3")));
    }

    /// <summary>Rows already written, for plots and tests.</summary>
    public static List<Dictionary<string, string>> Read(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
