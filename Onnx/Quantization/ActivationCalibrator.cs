using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using ParNetDetect.Onnx.Graph;

namespace ParNetDetect.Onnx.Quantization;

/// <summary>
/// Runs the float graph in ONNX Runtime on the calibration images with the tensors to be quantized added as graph
/// outputs, and collects their statistics. The images are read once (the caller may stream them).
/// </summary>
public static class ActivationCalibrator
{
    /// <param name="images">Preprocessed inputs, each (1, 3, H, W) float RGB in [0, 1], row-major.</param>
    public static (IReadOnlyDictionary<string, ActivationStatistics> Statistics, int Images) Collect(ModelProto floatModel,
        IReadOnlyCollection<string> tensors, IEnumerable<float[]> images, int height, int width)
    {
        var probe = floatModel.Clone();
        var outputs = new HashSet<string>(probe.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var inputs = new HashSet<string>(probe.Graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        // A graph input is already at hand; everything else is read as an extra output.
        var extra = tensors.Where(t => !outputs.Contains(t) && !inputs.Contains(t)).ToList();
        foreach (var t in extra) probe.Graph.Output.Add(GraphBuilder.ValueInfo(t, TensorProto.Types.DataType.Float, null));

        var statistics = tensors.ToDictionary(t => t, _ => new ActivationStatistics(), StringComparer.Ordinal);
        var fetch = tensors.Where(t => !inputs.Contains(t)).ToArray();
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(probe.ToByteArray(), options);
        using var runOptions = new RunOptions();
        long[] shape = [1, 3, height, width];
        long expected = 3L * height * width;
        int count = 0;
        foreach (var image in images)
        {
            if (image.Length != expected)
                throw new ArgumentException(
                    $"calibration image {count} has {image.Length} values; a (1, 3, {height}, {width}) input has {expected}.");
            using var input = OrtValue.CreateTensorValueFromMemory(image, shape);
            using var results = session.Run(runOptions, [OnnxModelInfo.InputName], [input], fetch);
            for (int i = 0; i < fetch.Length; i++) statistics[fetch[i]].Add(results[i].GetTensorDataAsSpan<float>());
            foreach (var t in tensors.Where(inputs.Contains)) statistics[t].Add(image);
            count++;
        }
        if (count == 0) throw new ArgumentException(NoCalibrationImages);
        return (statistics, count);
    }

    public const string NoCalibrationImages = "int8 export needs calibration images (--calib DATA); none were given.";
}
