using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Tests;

public sealed class YoloLossTests : TorchTest
{
    // One level, stride 8, one (8, 8) anchor; a 16-pixel input has a 2 x 2 grid.
    static readonly Anchors Tiny = new([[(8, 8)]], [8]);
    static readonly LossGains OneLevelGains = new() { LevelObjectness = [1f] };

    static YoloLoss Loss(int nc) => new(new TargetAssigner(Tiny), nc, OneLevelGains);

    [Fact]
    public void HandComputedLossForZeroLogits()
    {
        // Zero logits decode to the cell centre with the anchor's size, so a target exactly there has CIoU 1: box
        // loss 0, objectness target 1 at that cell. Every BCE with logit 0 is ln 2.
        using var p = zeros([1, 1, 2, 2, 7]);   // 2 classes
        using var targets = tensor(new float[] { 0, 1, 0.25f, 0.25f, 0.5f, 0.5f }, [1, 6]);
        using var r = Loss(2).Compute([p], targets);
        float ln2 = MathF.Log(2);
        Assert.Equal(0f, r.Box, 5);
        Assert.Equal(ln2 * 0.7f * 3, r.Objectness, 4);
        Assert.Equal(ln2 * 0.3f * 3, r.Class, 4);
        Assert.Equal(r.Box + r.Objectness + r.Class, r.Total.item<float>(), 4);
    }

    [Fact]
    public void TotalScalesWithBatchSize()
    {
        using var p = zeros([3, 1, 2, 2, 6]);
        using var targets = tensor(new float[] { 0, 0, 0.25f, 0.25f, 0.5f, 0.5f }, [1, 6]);
        using var r = Loss(1).Compute([p], targets);
        Assert.Equal(0f, r.Class);   // one class: no class loss
        Assert.Equal(3 * (r.Box + r.Objectness), r.Total.item<float>(), 4);
    }

    [Fact]
    public void ObjectnessTargetIsTheClampedIouAndCarriesNoGradientIntoTheBox()
    {
        // Offset target: CIoU < 1, so the objectness target at the cell is that CIoU (not 1).
        using var p = zeros([1, 1, 2, 2, 6], requires_grad: true);
        using var targets = tensor(new float[] { 0, 0, 0.3f, 0.25f, 0.5f, 0.5f }, [1, 6]);
        using var r = Loss(1).Compute([p], targets);
        r.Total.backward();
        // The objectness logit at the positive cell is pushed up (target > 0.5 = sigmoid(0)) ...
        Assert.True(p.grad![0, 0, 0, 0, 4].item<float>() < 0);
        // ... and at negative cells pushed down.
        Assert.True(p.grad![0, 0, 1, 1, 4].item<float>() > 0);
        Assert.True(r.Box > 0);
    }

    [Fact]
    public void GradientDescentOnTheOutputsLowersTheLoss()
    {
        using var p = zeros([2, 1, 2, 2, 8], requires_grad: true);
        using var targets = tensor(new float[] { 0, 2, 0.3f, 0.2f, 0.4f, 0.6f, 1, 0, 0.7f, 0.8f, 0.5f, 0.5f }, [2, 6]);
        var loss = Loss(3);
        float first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            using var r = loss.Compute([p], targets);
            if (step == 0) first = r.Total.item<float>();
            last = r.Total.item<float>();
            p.grad?.zero_();
            r.Total.backward();
            using (no_grad()) p.sub_(p.grad! * 0.5);
        }
        Assert.True(last < 0.5f * first, $"loss {first} -> {last}");
    }

    [Fact]
    public void ClassOutsideTheModelIsAClearError()
    {
        using var p = zeros([1, 1, 2, 2, 6]);
        using var targets = tensor(new float[] { 0, 3, 0.25f, 0.25f, 0.5f, 0.5f }, [1, 6]);
        var e = Assert.Throws<ArgumentException>(() => Loss(1).Compute([p], targets));
        Assert.Contains("classes do not match", e.Message);
    }
}
