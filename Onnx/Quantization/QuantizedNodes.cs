using Onnx;
using ParNetDetect.Onnx.Graph;

namespace ParNetDetect.Onnx.Quantization;

/// <summary>
/// Which nodes an int8 export quantizes: the feature convs (and the output convs when asked) and every map operation
/// between them (skips, gates' products, SiLU's Sigmoid and Mul, pools, concats, reshapes, upsampling), so that a map
/// stays uint8 from one integer conv to the next and ONNX Runtime runs those operations as its QLinear kernels instead
/// of dequantizing around each. Left float: the gates' path on globally pooled (N, C, 1, 1) tensors (tiny, and its
/// sigmoid scales a whole map), operations with a constant operand, and everything after the output convs (the box
/// decoding).
/// </summary>
public static class QuantizedNodes
{
    /// <summary>Map operations ONNX Runtime runs on uint8 when Q/DQ surround them.</summary>
    static readonly HashSet<string> MapOps = new(StringComparer.Ordinal)
    {
        "Add", "Mul", "Sigmoid", "Concat", "MaxPool", "GlobalAveragePool", "Reshape", "Unsqueeze", "Transpose", "Resize",
    };

    /// <summary>The names of the nodes to quantize, walking the graph in its (topological) order.</summary>
    public static IReadOnlySet<string> Select(GraphProto graph, IReadOnlyDictionary<string, ConvRole> convRoles,
        bool quantizeOutputConvs)
    {
        var constants = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var pooled = new HashSet<string>(StringComparer.Ordinal);    // tensors of the gates' (N, C, 1, 1) path
        var decoded = new HashSet<string>(StringComparer.Ordinal);   // tensors downstream of an output conv
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            var data = DataInputs(node).ToList();
            bool afterOutput = node.Input.Any(decoded.Contains);
            bool pools = node.OpType == "GlobalAveragePool";   // reads a map, starts a gate's path
            bool onGatePath = !pools && data.Count > 0 && data.All(t => pooled.Contains(t) || constants.Contains(t))
                && data.Any(pooled.Contains);
            if (convRoles.TryGetValue(node.Name, out var role))
            {
                if (role == ConvRole.Feature || (role == ConvRole.Output && quantizeOutputConvs)) selected.Add(node.Name);
                if (role == ConvRole.Output) afterOutput = true;
                if (role == ConvRole.Gate) onGatePath = true;
            }
            else if (MapOps.Contains(node.OpType) && !afterOutput && !onGatePath && data.All(t => !constants.Contains(t)))
            {
                selected.Add(node.Name);
            }
            if (afterOutput) decoded.UnionWith(node.Output);
            if (pools || onGatePath) pooled.UnionWith(node.Output);
        }
        return selected;
    }

    /// <summary>The inputs of a node that carry activations; the rest are weights, shapes, axes or scales.</summary>
    public static IEnumerable<string> DataInputs(NodeProto node) => node.OpType switch
    {
        "Add" or "Mul" or "Concat" => node.Input,
        _ => node.Input.Take(1),
    };
}
