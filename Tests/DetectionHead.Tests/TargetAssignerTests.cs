using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Tests;

public sealed class TargetAssignerTests : TorchTest
{
    // One level, stride 8: on a 64-pixel input the grid is 8 x 8.
    static readonly Anchors OneLevel = new([[(16, 16), (64, 64), (8, 32)]], [8]);

    static List<(long Anchor, long Row, long Col, float Bx, float By)> Rows(LevelTargets t)
    {
        var list = new List<(long, long, long, float, float)>();
        for (int i = 0; i < t.Count; i++)
            list.Add((t.Anchor[i].item<long>(), t.Row[i].item<long>(), t.Column[i].item<long>(),
                MathF.Round(t.Box[i, 0].item<float>(), 4), MathF.Round(t.Box[i, 1].item<float>(), 4)));
        return list.OrderBy(r => r.Item1).ThenBy(r => r.Item2).ThenBy(r => r.Item3).ToList();
    }

    [Fact]
    public void MatchesAnchorsByRatioAndAddsTheTwoNearestNeighbourCells()
    {
        // 16x16 pixel box centred at (19.2, 44.8) px = grid (2.4, 5.6): anchors (16,16) ratio 1 and (8,32) ratio 2
        // match; (64,64) has ratio exactly 4 and does not. x fraction 0.4 -> left neighbour; y fraction 0.6 -> below.
        using var targets = tensor(new float[] { 0, 2, 0.3f, 0.7f, 0.25f, 0.25f }, [1, 6]);
        var level = new TargetAssigner(OneLevel).Assign(targets, [(8, 8)])[0];
        var expected = new List<(long, long, long, float, float)>();
        foreach (long a in new long[] { 0, 2 })
        {
            expected.Add((a, 5, 1, 1.4f, 0.6f));   // left neighbour
            expected.Add((a, 5, 2, 0.4f, 0.6f));   // centre cell
            expected.Add((a, 6, 2, 0.4f, -0.4f));  // cell below
        }
        Assert.Equal(expected, Rows(level));
        Assert.All(Enumerable.Range(0, (int)level.Count), i => Assert.Equal(2, level.Class[i].item<long>()));
        Assert.Equal(2f, level.Box[0, 2].item<float>(), 5);   // w in grid units
        Assert.Equal(new[] { 1f, 4 }, level.AnchorSize[level.Anchor.eq(2).nonzero()[0, 0]].data<float>().ToArray());
        level.Dispose();
    }

    [Fact]
    public void NoNeighbourBeyondTheGridEdge()
    {
        // Centre at grid (0.4, 0.4): fractions < 0.5 but no cell to the left or above.
        using var targets = tensor(new float[] { 0, 0, 0.05f, 0.05f, 0.25f, 0.25f }, [1, 6]);
        var level = new TargetAssigner(OneLevel).Assign(targets, [(8, 8)])[0];
        Assert.Equal([(0L, 0L, 0L, 0.4f, 0.4f), (2L, 0L, 0L, 0.4f, 0.4f)], Rows(level));
        level.Dispose();
    }

    [Fact]
    public void ExactCentreFractionAddsNoNeighbour()
    {
        using var targets = tensor(new float[] { 1, 0, 0.5625f, 0.5625f, 0.25f, 0.25f }, [1, 6]); // grid 4.5
        var level = new TargetAssigner(OneLevel).Assign(targets, [(8, 8)])[0];
        Assert.Equal(2, level.Count);
        Assert.Equal(1, level.Image[0].item<long>());
        level.Dispose();
    }

    [Fact]
    public void NoTargetsGiveEmptyLevels()
    {
        using var targets = zeros(0, 6);
        var levels = new TargetAssigner(Anchors.Default).Assign(targets, [(8, 8), (4, 4), (2, 2)]);
        Assert.All(levels, l => Assert.Equal(0, l.Count));
        foreach (var l in levels) l.Dispose();
    }

    [Fact]
    public void LargeBoxGoesToTheCoarseLevels()
    {
        // 200x200 px box on a 640 input: within 4x of P4's (76,55) (72,146) and of every P5 anchor; P3's largest
        // (40,28) is 5x too small, P4's (36,75) too.
        using var targets = tensor(new float[] { 0, 0, 0.5f, 0.5f, 200 / 640f, 200 / 640f }, [1, 6]);
        var levels = new TargetAssigner(Anchors.Default).Assign(targets, [(80, 80), (40, 40), (20, 20)]);
        Assert.Equal(0, levels[0].Count);
        Assert.Equal(new long[] { 1, 2 }, levels[1].Anchor.unique().Item1.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 2 }, levels[2].Anchor.unique().Item1.data<long>().ToArray());
        foreach (var l in levels) l.Dispose();
    }
}
