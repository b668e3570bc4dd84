using ParNetDetect.Backbone;
using ParNetDetect.Backbone.Blocks;

namespace ParNetDetect.Onnx.Graph.Backbone;

/// <summary>The fused ParNet in the order of <see cref="ParNet.ForwardFeatures"/>: x -> taps P3 (1/8), P4 (1/16), P5 (1/32).</summary>
public static class ParNetEmitter
{
    /// <param name="size">The input's spatial size in a fixed-size graph; null in a dynamic one.</param>
    public static (string P3, string P4, string P5) Emit(GraphBuilder g, ParNet net, string x, Spatial? size, string scope)
    {
        if (!net.IsFused) throw new InvalidOperationException("export needs a fused model: call Fuse() first.");
        var stem = net.Stem;
        var s2 = DownsamplingBlockEmitter.Emit(g, stem[0], x, $"{scope}.stem.0");
        var s4 = DownsamplingBlockEmitter.Emit(g, stem[1], s2, $"{scope}.stem.1");
        var s8 = DownsamplingBlockEmitter.Emit(g, stem[2], s4, $"{scope}.stem.2");
        var s16 = DownsamplingBlockEmitter.Emit(g, stem[3], s8, $"{scope}.stem.3");

        var streams = net.Streams;
        var stream1 = Stream(g, streams[0], s4, $"{scope}.streams.0");
        var p3 = Stream(g, streams[1], s8, $"{scope}.streams.1");
        var stream3 = Stream(g, streams[2], s16, $"{scope}.streams.2");

        var merged8 = DownsamplingBlockEmitter.Emit(g, net.Stream1Down, stream1, $"{scope}.stream1_down");
        var fusion = net.Fusion;
        Spatial? at8 = size?.Strided(2).Strided(2).Strided(2);
        var merged16 = FusionBlockEmitter.Emit(g, fusion[0], p3, merged8, at8, $"{scope}.fusion.0");
        var p4 = FusionBlockEmitter.Emit(g, fusion[1], stream3, merged16, at8?.Strided(2), $"{scope}.fusion.1");
        var p5 = DownsamplingBlockEmitter.Emit(g, net.FinalDown, p4, $"{scope}.final_down");
        return (p3, p4, p5);
    }

    static string Stream(GraphBuilder g, IReadOnlyList<RepVggSseBlock> blocks, string x, string scope)
    {
        for (int i = 0; i < blocks.Count; i++) x = RepVggSseBlockEmitter.Emit(g, blocks[i], x, $"{scope}.{i}");
        return x;
    }
}
