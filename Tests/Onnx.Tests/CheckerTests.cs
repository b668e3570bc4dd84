using ParNetDetect.Onnx.Quantization;

namespace ParNetDetect.Onnx.Tests;

/// <summary>Every variant's graphs, fixed 320 and dynamic (and the NMS and int8 forms of one model), pass Debian's
/// python3-onnx <c>onnx.checker.check_model(full_check=True)</c>.</summary>
public sealed class CheckerTests : TorchTest, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("onnx-checker-").FullName;

    [SkippableTheory]
    [MemberData(nameof(TestModels.Variants), MemberType = typeof(TestModels))]
    public void EveryVariantPassesTheChecker(string name)
    {
        string fixedPath = Path.Combine(dir, "fixed.onnx"), dynamicPath = Path.Combine(dir, "dynamic.onnx");
        using (var model = TestModels.Fused(name, classes: 3, seed: 7))
        {
            var info = TestModels.Info(model);
            OnnxExporter.Export(model, info, new OnnxExportOptions { ImageSize = 320 }).Save(fixedPath);
            OnnxExporter.Export(model, info, new OnnxExportOptions { ImageSize = 320, Dynamic = true }).Save(dynamicPath);
        }
        OnnxChecker.Check(fixedPath, dynamicPath);
    }

    [SkippableFact]
    public void NmsAndInt8GraphsPassTheChecker()
    {
        using var model = TestModels.Fused("parnet-n-yolo", classes: 2, seed: 3);
        var info = TestModels.Info(model);
        string nms = Path.Combine(dir, "nms.onnx"), nmsDynamic = Path.Combine(dir, "nms-dynamic.onnx"), int8 = Path.Combine(dir, "int8.onnx");
        OnnxExporter.Export(model, info, new OnnxExportOptions { ImageSize = 64, Nms = true }).Save(nms);
        OnnxExporter.Export(model, info, new OnnxExportOptions { ImageSize = 64, Nms = true, Dynamic = true }).Save(nmsDynamic);
        OnnxExporter.Export(model, info, new OnnxExportOptions { ImageSize = 64, Int8 = new Int8Options() },
            Int8Tests.Calibration(64, count: 2)).Save(int8);
        OnnxChecker.Check(nms, nmsDynamic, int8);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
