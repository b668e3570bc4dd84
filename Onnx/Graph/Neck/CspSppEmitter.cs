using ParNetDetect.DetectionHead.Neck;

namespace ParNetDetect.Onnx.Graph.Neck;

/// <summary>
/// SPPCSP. The max-pools of 5, 9 and 13 are written as a chain of 5x5 pools (as YOLOv5's SPPF does): padded cells
/// never win a max, so pooling a 5x5-pooled map again with 5x5 covers exactly the 9x9 window, clipped at the border
/// the same way; the result is identical at a third of the comparisons.
/// </summary>
public static class CspSppEmitter
{
    public static string Emit(GraphBuilder g, CspSpp spp, string x, string scope)
    {
        var x1 = ConvBnActEmitter.Emit(g, spp.Reduce2,
            ConvBnActEmitter.Emit(g, spp.Spatial1, ConvBnActEmitter.Emit(g, spp.Reduce1, x, $"{scope}.reduce1"), $"{scope}.spatial1"),
            $"{scope}.reduce2");
        var sizes = CspSpp.MaxPoolSizes;
        long k = sizes[0];
        if (sizes.Select((s, i) => s != k + i * (k - 1)).Any(b => b))
            throw new NotSupportedException($"max-pool sizes {string.Join(", ", sizes)} are not a chain of {k}x{k} pools.");
        var branches = new List<string> { x1 };
        for (int i = 0; i < sizes.Count; i++) branches.Add(g.MaxPoolSame($"{scope}.pool{sizes[i]}", branches[^1], k));
        var main = ConvBnActEmitter.Emit(g, spp.Spatial2,
            ConvBnActEmitter.Emit(g, spp.Mix, g.Concat($"{scope}.pyramid", 1, [.. branches]), $"{scope}.mix"), $"{scope}.spatial2");
        return CspJoinEmitter.Emit(g, spp.Join, main, x, $"{scope}.join");
    }
}
