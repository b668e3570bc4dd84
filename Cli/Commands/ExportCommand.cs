using System.CommandLine;
using System.Globalization;
using ParNetDetect.CommandLine;
using ParNetDetect.Data;
using ParNetDetect.FileSafety;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Export;
using ParNetDetect.Onnx;
using ParNetDetect.Onnx.Quantization;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect export`: a checkpoint's fused detector as an ONNX graph (float32 or int8) that needs nothing else.</summary>
public static class ExportCommand
{
    public static Command Create(CommandLineApp app)
    {
        var weights = VerbOptions.Text("--weights", "a checkpoint, or demo for the bundled model", required: true);
        var format = VerbOptions.Text("--format", "onnx", "the file format (onnx)");
        var outFile = VerbOptions.Text("--out", "the .onnx file to write", required: true);
        var img = new ImageSizeChoice();
        var dynamic = VerbOptions.Flag("--dynamic", "leave batch, height and width free (multiples of 32)");
        var nms = VerbOptions.Flag("--nms", "append ONNX's NonMaxSuppression as a second output, `detections`");
        var int8 = VerbOptions.Flag("--int8", "static int8 quantization, calibrated on --calib");
        var calib = VerbOptions.Text("--calib", "int8: a dataset whose images calibrate the activations (as --data elsewhere)");
        var calibSplit = VerbOptions.Text("--calib-split", "train", "int8: the dataset's split to take images from");
        var calibImages = VerbOptions.Int("--calib-images", 64, "int8: images used, spread evenly over the split", 1, 100_000);
        var method = new Option<CalibrationMethod>("--calib-method")
        {
            Description = "int8: activation ranges by percentile (99.999), minmax or entropy",
            DefaultValueFactory = _ => CalibrationMethod.Percentile,
        };
        var force = VerbOptions.Flag("--force", "replace an existing --out (never the weights)");
        var command = new Command("export", "write the fused detector as an ONNX graph (float32, or int8 with --calib)")
        {
            weights, format, outFile, img.Option, dynamic, nms, int8, calib, calibSplit, calibImages, method, force,
        };
        app.SetNotes(command, """
            The graph holds the backbone, neck, head and box decoding (the predictions of every anchor); NMS stays in C#
            unless --nms. Its metadata (class names, input size, strides, anchors, the checkpoint's score thresholds,
            per class once `detect val --calibrate` wrote them, model, version) make `--weights F.onnx` work in val,
            predict and serve with nothing else. docs/onnx.md describes the graph.
            """);
        command.SetAction(p =>
        {
            if (!string.Equals(p.GetValue(format), "onnx", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--format {p.GetValue(format)}: only onnx is supported.");
            int? side = img.Read(p);
            string? calibData = p.GetValue(calib);
            if (p.GetValue(int8) && calibData is null)
                throw new UsageException("--int8 needs --calib DATA: images to calibrate the activations on.");
            var settings = new ExportSettings
            {
                ImageSize = side,
                Dynamic = p.GetValue(dynamic),
                Nms = p.GetValue(nms),
                Int8 = p.GetValue(int8) ? new Int8Options { Method = p.GetValue(method) } : null,
            };
            return Run(p.GetValue(weights)!, p.GetValue(outFile)!, settings,
                calibData is null ? [] : CalibrationImages(calibData, p.GetValue(calibSplit)!, p.GetValue(calibImages)), p.GetValue(force));
        });
        return command;
    }

    static int Run(string weights, string outFile, ExportSettings settings, IReadOnlyList<string> calibration, bool force)
    {
        string path = Detector.ResolveWeights(weights);
        new OutputGuard(force, [path, .. calibration]).File(outFile, "--out");
        var export = DetectorExport.Export(path, settings, calibration);
        long bytes = export.Save(outFile);
        var info = export.Info;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outFile}: {info.Model} {info.Precision}, opset {OnnxExporter.Opset}, {export.NodeCount} nodes, " +
            $"{export.ParameterCount:N0} parameters, {bytes / 1e6:F1} MB, input {Describe(info)}"));
        if (info.Quantization.Length > 0) Console.WriteLine($"int8: {info.Quantization}");
        return ExitCodes.Ok;
    }

    static string Describe(OnnxModelInfo info) =>
        info.DynamicSize ? $"(N, 3, H, W), H and W multiples of {info.SizeDivisor}, letterboxed to {info.InputHeight}"
            : $"({info.BatchSize}, 3, {info.InputHeight}, {info.InputWidth})";

    /// <summary>Up to <paramref name="count"/> image files spread evenly over the split, the same ones every time.</summary>
    static IReadOnlyList<string> CalibrationImages(string data, string split, int count)
    {
        var dataset = DetectionDatasets.Open(data, split);
        if (dataset.Count == 0) throw new InvalidDataException($"--calib {data}: split '{split}' has no images.");
        int n = Math.Min(count, dataset.Count);
        return [.. Enumerable.Range(0, n).Select(i => dataset[(int)((long)i * dataset.Count / n)].FilePath)];
    }
}
