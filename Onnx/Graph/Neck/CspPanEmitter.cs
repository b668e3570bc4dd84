using ParNetDetect.DetectionHead.Neck;

namespace ParNetDetect.Onnx.Graph.Neck;

/// <summary>The YOLOv4-CSP neck in the order of <see cref="CspPan.forward"/>: taps -> outputs at 1/8, 1/16, 1/32.</summary>
public static class CspPanEmitter
{
    public static (string P3, string P4, string P5) Emit(GraphBuilder g, CspPan neck, string p3, string p4, string p5, string scope)
    {
        string C(ConvBnAct layer, string x, string name) => ConvBnActEmitter.Emit(g, layer, x, $"{scope}.{name}");
        string B(CspBlock block, string x, string name) => CspBlockEmitter.Emit(g, block, x, $"{scope}.{name}");
        string Cat(string name, string a, string b) => g.Concat($"{scope}.{name}", 1, a, b);

        var spp = CspSppEmitter.Emit(g, neck.Spp, p5, $"{scope}.spp");
        var up5 = g.Upsample2x($"{scope}.up5", C(neck.Reduce5, spp, "reduce5"));
        var n4 = B(neck.TopDown4, Cat("cat4", C(neck.Lateral4, p4, "lateral4"), up5), "topdown4");
        var up4 = g.Upsample2x($"{scope}.up4", C(neck.Reduce4, n4, "reduce4"));
        var n3 = B(neck.TopDown3, Cat("cat3", C(neck.Lateral3, p3, "lateral3"), up4), "topdown3");
        var m4 = B(neck.BottomUp4, Cat("cat_m4", C(neck.Down3, n3, "down3"), n4), "bottomup4");
        var m5 = B(neck.BottomUp5, Cat("cat_m5", C(neck.Down4, m4, "down4"), spp), "bottomup5");
        return (C(neck.Out3, n3, "out3"), C(neck.Out4, m4, "out4"), C(neck.Out5, m5, "out5"));
    }
}
