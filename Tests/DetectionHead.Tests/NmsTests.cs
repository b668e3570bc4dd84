using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Tests;

public sealed class NmsTests : TorchTest
{
    // Sorted best first: A, B overlapping A by IoU 81/119 = 0.68 (same class), C = B's box in another class.
    static readonly float[] Boxes3 = [0, 0, 10, 10, 1, 1, 11, 11, 1, 1, 11, 11];
    static readonly int[] Classes3 = [0, 0, 1];

    [Fact]
    public void SuppressesOnlyWithinAClass() =>
        Assert.Equal([0, 2], Nms.Greedy(Boxes3, Classes3, 0.5f, 300));

    [Fact]
    public void AgnosticSuppressesAcrossClasses() =>
        Assert.Equal([0], Nms.Greedy(Boxes3, Classes3, 0.5f, 300, classAgnostic: true));

    [Fact]
    public void IouThresholdIsStrict()
    {
        Assert.Equal([0, 1, 2], Nms.Greedy(Boxes3, Classes3, 0.69f, 300));
        Assert.Equal([0, 2], Nms.Greedy(Boxes3, Classes3, 0.68f, 300));
    }

    [Fact]
    public void StopsAtMaxDetections() =>
        Assert.Equal([0], Nms.Greedy(Boxes3, Classes3, 0.5f, 1));

    [Fact]
    public void SuppressedBoxesDoNotSuppressOthers()
    {
        // B overlaps A and C; A suppresses B; C overlaps only B, so C survives.
        float[] boxes = [0, 0, 10, 10, 5, 0, 15, 10, 10, 0, 20, 10];
        Assert.Equal([0, 2], Nms.Greedy(boxes, [0, 0, 0], 0.3f, 300));
    }

    static Tensor Predictions(params float[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), [1, rows.Length, rows[0].Length]);

    [Fact]
    public void ScoresAreObjectnessTimesClassAndThresholded()
    {
        using var p = Predictions(
            [50, 50, 20, 20, 0.9f, 0.8f, 0.1f],    // score 0.72 class 0
            [10, 10, 4, 4, 0.5f, 0.1f, 0.4f],      // best 0.2 class 1: under 0.25
            [80, 80, 10, 10, 0.2f, 1.0f, 1.0f]);   // objectness under the threshold
        var d = Assert.Single(Nms.Run(p, DetectOptions.Default)[0]);
        Assert.Equal(new Detection(40, 40, 60, 60, 0.72f, 0), d with { Score = MathF.Round(d.Score, 5) });
    }

    [Fact]
    public void MultiLabelKeepsEveryClassOverTheThreshold()
    {
        using var p = Predictions([50, 50, 20, 20, 0.9f, 0.8f, 0.5f]);
        var single = Nms.Run(p, DetectOptions.Default)[0];
        var multi = Nms.Run(p, DetectOptions.Default with { MultiLabel = true })[0];
        Assert.Equal([0], single.Select(d => d.ClassIndex));
        Assert.Equal([0, 1], multi.Select(d => d.ClassIndex));
        Assert.Equal(0.45f, multi[1].Score, 5);
    }

    [Fact]
    public void PerClassThresholdsTakeThePlaceOfTheOne()
    {
        using var p = Predictions(
            [50, 50, 20, 20, 0.9f, 0.5f, 0.4f],    // class 0 at 0.45 (its minimum 0.5: dropped), class 1 at 0.36
            [10, 10, 4, 4, 0.5f, 0.1f, 0.8f],      // class 1 at 0.40
            [80, 80, 10, 10, 0.9f, 0.9f, 0.1f]);   // class 0 at 0.81
        var options = DetectOptions.Default with { ClassConfidenceThresholds = [0.5f, 0.3f] };
        // Best class per box: a box whose best class misses its own minimum is dropped, even if another class would pass.
        Assert.Equal([(0, 0.81f), (1, 0.40f)], Nms.Run(p, options)[0].Select(d => (d.ClassIndex, MathF.Round(d.Score, 5))));
        var multi = Nms.Run(p, options with { MultiLabel = true })[0];
        Assert.Equal([(0, 0.81f), (1, 0.40f), (1, 0.36f)], multi.Select(d => (d.ClassIndex, MathF.Round(d.Score, 5))));
        Assert.Equal(0.3f, options.LowestConfidenceThreshold);
    }

    [Fact]
    public void PerClassThresholdsMustFitTheClasses()
    {
        using var p = Predictions([0, 0, 1, 1, 1, 1, 1]);
        Assert.Throws<ArgumentException>(() => Nms.Run(p, DetectOptions.Default with { ClassConfidenceThresholds = [0.5f] }));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Nms.Run(p, DetectOptions.Default with { ClassConfidenceThresholds = [0.5f, 1.5f] }));
        Assert.Contains("ClassConfidenceThresholds", e.Message);
    }

    [Fact]
    public void OutputIsBestFirstAndPerImage()
    {
        using var p = tensor(new float[]
        {
            0, 0, 10, 10, 0.5f, 1, 100, 100, 10, 10, 0.9f, 1,
            0, 0, 10, 10, 0.01f, 1, 0, 0, 10, 10, 0.01f, 1,
        }, [2, 2, 6]);
        var r = Nms.Run(p, DetectOptions.Default);
        Assert.Equal([0.9f, 0.5f], r[0].Select(d => d.Score));
        Assert.Empty(r[1]);
    }

    [Fact]
    public void RejectsBadSettingsByName()
    {
        using var p = Predictions([0, 0, 1, 1, 1, 1]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Nms.Run(p, DetectOptions.Default with { IouThreshold = 2 }));
        Assert.Contains("IouThreshold", e.Message);
    }
}
