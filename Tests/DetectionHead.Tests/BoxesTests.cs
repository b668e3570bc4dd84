using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Tests;

public sealed class BoxesTests : TorchTest
{
    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void CentreAndCornerFormsRoundTrip()
    {
        using var xywh = tensor(new float[] { 10, 20, 4, 6, 0, 0, 2, 2 }, [2, 4]);
        using var xyxy = Boxes.XywhToXyxy(xywh);
        Assert.Equal([8f, 17, 12, 23, -1, -1, 1, 1], Values(xyxy));
        using var back = Boxes.XyxyToXywh(xyxy);
        Assert.Equal(Values(xywh), Values(back));
    }

    [Fact]
    public void PairwiseIouMatchesHandComputedOverlaps()
    {
        using var a = tensor(new float[] { 0, 0, 2, 2 }, [1, 4]);
        using var b = tensor(new float[] { 1, 1, 3, 3, 0, 0, 2, 2, 5, 5, 6, 6, 0, 0, 0, 0 }, [4, 4]);
        using var iou = Boxes.PairwiseIou(a, b);
        Assert.Equal([1, 4], iou.shape);
        var v = Values(iou);
        Assert.Equal(1f / 7, v[0], 5);   // intersection 1, union 4 + 4 - 1
        Assert.Equal(1f, v[1], 5);
        Assert.Equal(0f, v[2]);
        Assert.Equal(0f, v[3]);          // empty box: 0, not NaN
    }

    [Fact]
    public void CiouOfIdenticalBoxesIsOne() =>
        Assert.Equal(1f, Ciou([3, 4, 2, 5], [3, 4, 2, 5]), 5);

    [Fact]
    public void CiouOfConcentricSimilarBoxesIsTheirIou() =>
        Assert.Equal(0.25f, Ciou([0, 0, 2, 2], [0, 0, 4, 4]), 5);

    [Fact]
    public void CiouPenalisesCentreDistanceByTheEnclosingDiagonal()
    {
        // IoU 2/6; enclosing box 3 x 2 -> c^2 = 13; centre distance^2 = 1; same aspect -> v = 0.
        Assert.Equal(1f / 3 - 1f / 13, Ciou([0, 0, 2, 2], [1, 0, 2, 2]), 5);
    }

    [Fact]
    public void CiouPenalisesAspectMismatch()
    {
        // Same centre, 1x2 vs 2x1: IoU 1/3, rho 0, v = 4/pi^2 (atan 2 - atan 0.5)^2, alpha = v / (1 - IoU + v).
        double v = 4 / (Math.PI * Math.PI) * Math.Pow(Math.Atan(2) - Math.Atan(0.5), 2);
        double iou = 1.0 / 3;
        double expected = iou - v * v / (1 - iou + v);
        Assert.Equal((float)expected, Ciou([0, 0, 1, 2], [0, 0, 2, 1]), 4);
    }

    [Fact]
    public void CiouGradientMovesThePredictionTowardTheTarget()
    {
        using var pred = tensor(new float[] { 0, 0, 2, 2 }, [1, 4], requires_grad: true);
        using var target = tensor(new float[] { 1, 0, 2, 2 }, [1, 4]);
        using var loss = (1 - Boxes.Ciou(pred, target)).sum();
        loss.backward();
        Assert.True(pred.grad!.data<float>()[0] < 0);   // increasing x lowers the loss
    }

    static float Ciou(float[] p, float[] t)
    {
        using var a = tensor(p, [1, 4]);
        using var b = tensor(t, [1, 4]);
        using var c = Boxes.Ciou(a, b);
        return c.item<float>();
    }
}
