using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using ParNetDetect.Onnx.Graph;

namespace ParNetDetect.Onnx.Quantization;

/// <summary>
/// Rewrites a float graph into ONNX's QDQ form, which ONNX Runtime turns into integer kernels (QLinearConv,
/// QLinearAdd, QLinearMul, QLinearSigmoid, QLinearConcat, QLinearGlobalAveragePool; reshapes and max pools run on the
/// uint8 values): every activation a quantized node reads or writes is quantized and dequantized once, right after it
/// is made, and all its consumers read the dequantized value, so the graph computes what the integer kernels compute.
/// A quantized conv's weights (and bias) are read through DequantizeLinear of int8 (int32) initializers.
/// </summary>
public static class QdqQuantizer
{
    /// <summary>The activations <paramref name="nodes"/> read and write: the tensors to calibrate.</summary>
    public static IReadOnlyList<string> Tensors(GraphProto graph, IReadOnlySet<string> nodes) =>
        graph.Node.Where(n => nodes.Contains(n.Name))
            .SelectMany(n => QuantizedNodes.DataInputs(n).Concat(n.Output))
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Rewrites <paramref name="graph"/> in place, quantizing <paramref name="nodes"/> (see
    /// <see cref="QuantizedNodes"/>); <paramref name="ranges"/> holds the calibrated range of every tensor in
    /// <see cref="Tensors"/>.</summary>
    public static void Apply(GraphProto graph, IReadOnlySet<string> nodes, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        if (graph.Node.Count(n => nodes.Contains(n.Name)) != nodes.Count)
            throw new ArgumentException("a node to quantize is not in the graph.", nameof(nodes));
        var quantized = Tensors(graph, nodes).ToHashSet(StringComparer.Ordinal);
        var activation = quantized.ToDictionary(t => t,
            t => ranges.TryGetValue(t, out var r) ? QuantizationRules.Activation(r.Min, r.Max)
                : throw new ArgumentException($"no calibrated range for '{t}'.", nameof(ranges)), StringComparer.Ordinal);
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);

        var rewritten = new List<NodeProto>();
        foreach (var input in graph.Input.Where(i => quantized.Contains(i.Name)))
            rewritten.AddRange(QuantizeDequantize(graph, input.Name, activation[input.Name]));
        foreach (var node in graph.Node)
        {
            string firstInput = node.Input[0];
            for (int i = 0; i < node.Input.Count; i++)
                if (quantized.Contains(node.Input[i]))
                    node.Input[i] = Dequantized(node.Input[i]);
            if (node.OpType == "Conv" && nodes.Contains(node.Name))
                rewritten.AddRange(QuantizeParameters(graph, node, initializers, activation[firstInput].Scale));
            rewritten.Add(node);
            foreach (var output in node.Output.Where(quantized.Contains))
                rewritten.AddRange(QuantizeDequantize(graph, output, activation[output]));
        }
        graph.Node.Clear();
        graph.Node.AddRange(rewritten);
    }

    static string Dequantized(string tensor) => tensor + ".qdq.dequantized";

    /// <summary>t -> QuantizeLinear (uint8) -> DequantizeLinear -> t.dequantized.</summary>
    static IEnumerable<NodeProto> QuantizeDequantize(GraphProto graph, string tensor, ActivationQuantization q)
    {
        string scale = AddInitializer(graph, tensor + ".qdq.scale", TensorProto.Types.DataType.Float,
            MemoryMarshal.AsBytes(new[] { q.Scale }.AsSpan()));
        string zeroPoint = AddInitializer(graph, tensor + ".qdq.zero_point", TensorProto.Types.DataType.Uint8, [q.ZeroPoint]);
        string quantized = tensor + ".qdq.quantized";
        yield return GraphBuilder.NewNode("QuantizeLinear", quantized, [tensor, scale, zeroPoint], [quantized]);
        yield return GraphBuilder.NewNode("DequantizeLinear", Dequantized(tensor), [quantized, scale, zeroPoint], [Dequantized(tensor)]);
    }

    /// <summary>Replaces the conv's float weight (and bias) initializers by int8 (int32) ones read through
    /// per-channel DequantizeLinear nodes, which are returned.</summary>
    static List<NodeProto> QuantizeParameters(GraphProto graph, NodeProto conv, Dictionary<string, TensorProto> initializers,
        float inputScale)
    {
        var nodes = new List<NodeProto>();
        var weight = initializers[conv.Input[1]];
        int outChannels = (int)weight.Dims[0];
        var (values, scales) = QuantizationRules.Weights(FloatValues(weight), outChannels);
        conv.Input[1] = PerChannel(graph, nodes, weight, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()),
            scales, new byte[outChannels]);
        if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
        {
            var bias = initializers[conv.Input[2]];
            var (biasValues, biasScales) = QuantizationRules.Bias(FloatValues(bias), inputScale, scales);
            conv.Input[2] = PerChannel(graph, nodes, bias, TensorProto.Types.DataType.Int32,
                MemoryMarshal.AsBytes(biasValues.AsSpan()), biasScales, new byte[outChannels * sizeof(int)]);
        }
        return nodes;
    }

    /// <summary>Swaps a float initializer for its quantized values with axis-0 scales and zero points; returns the
    /// dequantized tensor's name.</summary>
    static string PerChannel(GraphProto graph, List<NodeProto> nodes, TensorProto original, TensorProto.Types.DataType type,
        ReadOnlySpan<byte> values, float[] scales, byte[] zeroPoints)
    {
        graph.Initializer.Remove(original);
        string name = original.Name;
        string quantized = AddInitializer(graph, name + ".qdq.quantized", type, values, [.. original.Dims]);
        string scale = AddInitializer(graph, name + ".qdq.scale", TensorProto.Types.DataType.Float,
            MemoryMarshal.AsBytes(scales.AsSpan()), scales.Length);
        string zeroPoint = AddInitializer(graph, name + ".qdq.zero_point", type, zeroPoints, scales.Length);
        string dequantized = name + ".qdq.dequantized";
        nodes.Add(GraphBuilder.NewNode("DequantizeLinear", dequantized, [quantized, scale, zeroPoint], [dequantized],
            GraphBuilder.Attribute("axis", 0L)));
        return dequantized;
    }

    static ReadOnlySpan<float> FloatValues(TensorProto t) => MemoryMarshal.Cast<byte, float>(t.RawData.Span);

    static string AddInitializer(GraphProto graph, string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw,
        params long[] dims)
    {
        graph.Initializer.Add(GraphBuilder.NewTensor(name, type, raw, dims));
        return name;
    }
}
