using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Tests;

public sealed class PredictionDecoderTests : TorchTest
{
    [Fact]
    public void ZeroLogitsDecodeToCellCentresAndAnchorSizes()
    {
        var anchors = Anchors.Default;
        // 64x64 input: grids 8, 4, 2; 1 class.
        var levels = new[] { 8, 4, 2 }.Select(g => zeros([1, 3, g, g, 6])).ToList();
        using var d = PredictionDecoder.Decode(levels, anchors);
        Assert.Equal([1, 3 * (64 + 16 + 4), 6], d.shape);
        // Level 0, anchor 1, row 2, column 5: centre ((5 + 0.5) * 8, (2 + 0.5) * 8), size (19, 36).
        long index = 1 * 64 + 2 * 8 + 5;
        Assert.Equal([44f, 20, 19, 36, 0.5f, 0.5f], d[0, index].data<float>().ToArray());
        // Level 2, anchor 2, row 1, column 0: stride 32.
        long index2 = 3 * 64 + 3 * 16 + 2 * 4 + 1 * 2 + 0;
        Assert.Equal([16f, 48, 459, 401, 0.5f, 0.5f], d[0, index2].data<float>().ToArray());
        foreach (var l in levels) l.Dispose();
    }

    [Fact]
    public void WidthIsBoundedToFourTimesTheAnchor()
    {
        var levels = new[] { 8, 4, 2 }.Select(g => full([1, 3, g, g, 6], 100f)).ToList();
        using var d = PredictionDecoder.Decode(levels, Anchors.Default);
        Assert.Equal(4 * 12f, d[0, 0, 2].item<float>(), 3);
        Assert.Equal(1.5f * 8 + 0, d[0, 0, 0].item<float>(), 3);   // xy at most 1.5 cells from the corner
        foreach (var l in levels) l.Dispose();
    }
}
