using ParNetDetect.DetectionHead;
using ParNetDetect.Imaging;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Onnx;
using ParNetDetect.Onnx.Quantization;
using static TorchSharp.torch;

namespace ParNetDetect.Inference.Export;

/// <summary>What `detect export` makes of a checkpoint.</summary>
public sealed record ExportSettings
{
    /// <summary>Input side; null: the model's own (where its thresholds were calibrated, else its trained size).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Batch, height and width left free (height and width multiples of 32).</summary>
    public bool Dynamic { get; init; }

    /// <summary>Append ONNX's NonMaxSuppression (a second output); detections otherwise go through the C# NMS.</summary>
    public bool Nms { get; init; }

    /// <summary>int8 static quantization, calibrated on images; null for float32.</summary>
    public Int8Options? Int8 { get; init; }
}

/// <summary>A checkpoint's fused detector written as an ONNX graph (Onnx/), with letterboxed calibration images for int8.</summary>
public static class DetectorExport
{
    /// <summary>
    /// Exports <paramref name="weights"/> (a resolved checkpoint path). <paramref name="calibrationImages"/> are
    /// image files, letterboxed as the detector does; needed for int8 (an image that cannot be read is skipped).
    /// </summary>
    public static OnnxExport Export(string weights, ExportSettings settings, IReadOnlyList<string> calibrationImages)
    {
        if (DetectorBackends.IsOnnxFile(weights))
            throw new ArgumentException($"{weights} is already an ONNX graph; export takes a checkpoint.");
        using var backend = TorchDetectorBackend.Load(weights);
        return Export(backend, settings, calibrationImages);
    }

    /// <summary>As <see cref="Export(string, ExportSettings, IReadOnlyList{string})"/>, from a loaded (fused) model.</summary>
    public static OnnxExport Export(TorchDetectorBackend backend, ExportSettings settings, IReadOnlyList<string> calibrationImages)
    {
        int size = settings.ImageSize ?? backend.Info.InferenceImageSize;
        var options = new OnnxExportOptions
        {
            ImageSize = size,
            Dynamic = settings.Dynamic,
            Nms = settings.Nms,
            Int8 = settings.Int8,
        };
        if (settings.Int8 is null) return OnnxExporter.Export(backend.Model, backend.Info, options);
        if (calibrationImages.Count == 0) throw new ArgumentException(ActivationCalibrator.NoCalibrationImages);
        return OnnxExporter.Export(backend.Model, backend.Info, options, Letterboxed(calibrationImages, size));
    }

    /// <summary>Each readable image as the detector sees it: (1, 3, S, S) RGB in [0, 1], one at a time.</summary>
    static IEnumerable<Tensor> Letterboxed(IEnumerable<string> files, int size)
    {
        using var letterbox = new LetterboxTransform(size);
        foreach (string file in files)
        {
            using var image = ImageDecoder.TryDecode(file);
            if (image is null) continue;
            using var input = zeros(1, 3, size, size);
            using (var row = input[0]) letterbox.ToTensor(image, row);
            yield return input;
        }
    }
}
