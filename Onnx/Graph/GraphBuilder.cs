using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Graph;

/// <summary>What a convolution does in the detector; int8 export quantizes by role (see docs/onnx.md).</summary>
public enum ConvRole
{
    /// <summary>A conv over a feature map: backbone blocks, neck. Quantized in int8 exports.</summary>
    Feature,
    /// <summary>A gate's 1x1 conv on a globally pooled (N, C, 1, 1) input: tiny, and it scales a whole map. Float.</summary>
    Gate,
    /// <summary>The head's 1x1 output convs (the raw logits). Quantized only when asked.</summary>
    Output,
}

/// <summary>
/// Builds one ONNX graph. Every helper appends one node whose inputs already exist, so the node list is in
/// topological order as ONNX requires; the node's name is its (single) output's name, made unique here. Weights
/// become initializers named after the node that reads them.
/// </summary>
public sealed class GraphBuilder
{
    readonly HashSet<string> names = new(StringComparer.Ordinal);
    readonly Dictionary<string, ConvRole> convRoles = new(StringComparer.Ordinal);

    public GraphProto Graph { get; } = new();

    /// <summary>Conv node name -> its role, for the int8 pass.</summary>
    public IReadOnlyDictionary<string, ConvRole> ConvRoles => convRoles;

    /// <summary>A name no node or initializer has yet: the hint, or the hint with a counter.</summary>
    public string UniqueName(string hint)
    {
        string name = hint;
        for (int i = 1; !names.Add(name); i++) name = $"{hint}_{i}";
        return name;
    }

    /// <summary>Declares a graph input of element type float.</summary>
    public string Input(string name, params Dim[] shape)
    {
        var input = ValueInfo(UniqueName(name), TensorProto.Types.DataType.Float, shape);
        Graph.Input.Add(input);
        return input.Name;
    }

    /// <summary>Declares an existing tensor a graph output.</summary>
    public void Output(string tensor, TensorProto.Types.DataType type, params Dim[] shape) =>
        Graph.Output.Add(ValueInfo(tensor, type, shape));

    /// <summary>A tensor's declared type; a null <paramref name="shape"/> leaves the rank unknown.</summary>
    public static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, IEnumerable<Dim>? shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (shape is not null) tensorType.Shape = new TensorShapeProto();
        foreach (var d in shape ?? [])
            tensorType.Shape.Dim.Add(d.Symbol is null
                ? new TensorShapeProto.Types.Dimension { DimValue = d.Value }
                : new TensorShapeProto.Types.Dimension { DimParam = d.Symbol });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    // ---- initializers ----

    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    /// <summary>A float32 copy of a tensor (any device or dtype), with its shape unless <paramref name="dims"/> is given.</summary>
    public string Floats(string name, Tensor t, params long[] dims)
    {
        float[] values = ToFloats(t);
        return Floats(name, values, dims.Length > 0 ? dims : t.shape);
    }

    /// <summary>A 1-D int64 tensor (shapes, axes, split sizes).</summary>
    public string Int64s(string name, params long[] values) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()), values.Length);

    /// <summary>A 0-d int64 tensor.</summary>
    public string Int64Scalar(string name, long value) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(new[] { value }.AsSpan()));

    public string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, params long[] dims)
    {
        var proto = NewTensor(UniqueName(name), type, raw, dims);
        Graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A tensor of raw little-endian values (the layout ONNX stores).</summary>
    public static TensorProto NewTensor(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, params long[] dims)
    {
        var proto = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        proto.Dims.AddRange(dims);
        return proto;
    }

    public static NodeProto NewNode(string op, string name, IEnumerable<string> inputs, IEnumerable<string> outputs,
        params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static float[] ToFloats(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    // ---- nodes ----

    /// <summary>Appends a node with one output, named (uniquely) <paramref name="name"/>; returns that name.</summary>
    public string Node(string op, string name, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(op, name, inputs, 1, attributes)[0];

    /// <summary>Appends a node with <paramref name="outputs"/> outputs named name, name_1, ...</summary>
    public string[] Node(string op, string name, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes) =>
        AddNode(op, UniqueName(name), inputs, outputs, attributes);

    /// <summary>Appends a node under a name already made unique (helpers that name initializers after the node).</summary>
    string[] AddNode(string op, string uniqueName, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var outputNames = new List<string> { uniqueName };
        for (int i = 1; i < outputs; i++) outputNames.Add(UniqueName($"{uniqueName}.{i}"));
        Graph.Node.Add(NewNode(op, uniqueName, inputs, outputNames, attributes));
        return [.. outputNames];
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    // ---- named helpers, one per ONNX operator the detector uses ----

    /// <summary>A conv module's weights (times <paramref name="scale"/>, a power of two keeps it exact), its stride,
    /// padding and groups.</summary>
    public string Conv(string name, string x, Conv2d conv, ConvRole role, float scale = 1)
    {
        using var scope = NewDisposeScope();
        var weight = scale == 1 ? conv.weight : conv.weight * scale;
        var bias = conv.bias is null ? null : scale == 1 ? conv.bias : conv.bias * scale;
        var padding = conv.padding ?? throw new NotSupportedException($"{name}: a conv with symbolic padding cannot be exported.");
        return Conv(name, x, weight, bias, conv.stride, padding, conv.groups, role);
    }

    /// <summary>Conv with weight (Cout, Cin/groups, kh, kw), optional bias (Cout), symmetric padding.</summary>
    public string Conv(string name, string x, Tensor weight, Tensor? bias, long[] strides, long[] padding, long groups, ConvRole role)
    {
        string n = UniqueName(name);
        var inputs = new List<string> { x, Floats(n + ".weight", weight) };
        if (bias is not null) inputs.Add(Floats(n + ".bias", bias));
        long kh = weight.shape[2], kw = weight.shape[3];
        long[] strides2 = strides.Length == 1 ? [strides[0], strides[0]] : strides;
        long[] pads2 = padding.Length == 1 ? [padding[0], padding[0]] : padding;
        var output = AddNode("Conv", n, inputs, 1,
            Attribute("kernel_shape", kh, kw),
            Attribute("strides", strides2),
            Attribute("pads", pads2[0], pads2[1], pads2[0], pads2[1]),
            Attribute("group", groups))[0];
        convRoles[output] = role;
        return output;
    }

    public string Sigmoid(string name, string x) => Node("Sigmoid", name, [x]);

    public string Relu(string name, string x) => Node("Relu", name, [x]);

    public string Mul(string name, string a, string b) => Node("Mul", name, [a, b]);

    public string Add(string name, string a, string b) => Node("Add", name, [a, b]);

    public string Sub(string name, string a, string b) => Node("Sub", name, [a, b]);

    public string Div(string name, string a, string b) => Node("Div", name, [a, b]);

    public string Mod(string name, string a, string b) => Node("Mod", name, [a, b]);

    public string Concat(string name, long axis, params string[] xs) => Node("Concat", name, xs, Attribute("axis", axis));

    public string GlobalAveragePool(string name, string x) => Node("GlobalAveragePool", name, [x]);

    /// <summary>Stride-1 max pool with "same" padding (padded cells never win, as in PyTorch).</summary>
    public string MaxPoolSame(string name, string x, long kernel) => Node("MaxPool", name, [x],
        Attribute("kernel_shape", kernel, kernel),
        Attribute("strides", 1L, 1L),
        Attribute("pads", kernel / 2, kernel / 2, kernel / 2, kernel / 2));

    /// <summary>Nearest-neighbour 2x upsampling as PyTorch's interpolate computes it (source index = floor(i / 2)),
    /// in the form ONNX Runtime's NCHWc layout handles (asymmetric coordinates, floor, constant scales).</summary>
    public string Upsample2x(string name, string x)
    {
        string n = UniqueName(name);
        string scales = Floats(n + ".scales", [1f, 1f, 2f, 2f], 4);
        return AddNode("Resize", n, [x, "", scales], 1,
            Attribute("mode", "nearest"),
            Attribute("coordinate_transformation_mode", "asymmetric"),
            Attribute("nearest_mode", "floor"))[0];
    }

    public string Reshape(string name, string x, string shape) => Node("Reshape", name, [x, shape]);

    public string Transpose(string name, string x, params long[] perm) => Node("Transpose", name, [x], Attribute("perm", perm));

    public string Unsqueeze(string name, string x, params long[] axes)
    {
        string n = UniqueName(name);
        return AddNode("Unsqueeze", n, [x, Int64s(n + ".axes", axes)], 1)[0];
    }

    public string[] Split(string name, string x, long axis, params long[] sizes)
    {
        string n = UniqueName(name);
        return AddNode("Split", n, [x, Int64s(n + ".sizes", sizes)], sizes.Length, Attribute("axis", axis));
    }

    public string Slice(string name, string x, long axis, long start, long end)
    {
        string n = UniqueName(name);
        return AddNode("Slice", n, [x, Int64s(n + ".starts", start), Int64s(n + ".ends", end), Int64s(n + ".axes", axis)], 1)[0];
    }

    /// <summary>Per-channel y = (x - mean) / sqrt(var + eps) * scale + bias; all (C).</summary>
    public string BatchNorm(string name, string x, Tensor scale, Tensor bias, Tensor mean, Tensor variance, double eps)
    {
        string n = UniqueName(name);
        return AddNode("BatchNormalization", n,
            [x, Floats(n + ".scale", scale), Floats(n + ".bias", bias), Floats(n + ".mean", mean), Floats(n + ".var", variance)],
            1, Attribute("epsilon", (float)eps))[0];
    }

    public string Shape(string name, string x) => Node("Shape", name, [x]);

    public string Gather(string name, string x, string indices, long axis = 0) =>
        Node("Gather", name, [x, indices], Attribute("axis", axis));

    public string GatherNd(string name, string x, string indices) => Node("GatherND", name, [x, indices]);

    public string Cast(string name, string x, TensorProto.Types.DataType to) => Node("Cast", name, [x], Attribute("to", (long)to));

    public string Range(string name, string start, string limit, string delta) => Node("Range", name, [start, limit, delta]);
}

/// <summary>One dimension of a declared graph input or output: a number, or a symbol shared by equal dimensions.</summary>
public readonly record struct Dim(long Value, string? Symbol = null)
{
    public static implicit operator Dim(long value) => new(value);
    public static Dim Named(string symbol) => new(0, symbol);
}
