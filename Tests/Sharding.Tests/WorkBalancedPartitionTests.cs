using ParNetDetect.Sharding;

namespace ParNetDetect.Sharding.Tests;

/// <summary>Properties of the work-balanced split over seeded random weights.</summary>
public sealed class WorkBalancedPartitionTests
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

    static (long[] Weights, int Shards) Case(int seed)
    {
        var random = new Random(seed);
        int count = random.Next(0, 400);
        // Mixed image sizes, as in a real folder: mostly small, a few very large.
        var weights = Enumerable.Range(0, count).Select(_ => random.Next(10) == 0
            ? ImageWork.Units(random.Next(2000, 8000), random.Next(2000, 6000))
            : ImageWork.Units(random.Next(100, 1300), random.Next(100, 1000))).ToArray();
        return (weights, random.Next(1, 17));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ShardsAreContiguousCoverEveryItemOnceAndInOrder(int seed)
    {
        var (weights, n) = Case(seed);
        var ranges = Enumerable.Range(1, n).Select(i => WorkBalancedPartition.Of(weights, new Shard(i, n)).GetOffsetAndLength(weights.Length)).ToList();
        int next = 0;
        foreach (var (offset, length) in ranges)
        {
            Assert.Equal(next, offset);
            next = offset + length;
        }
        Assert.Equal(weights.Length, next);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EachShardIsWithinOneItemOfAnEvenShare(int seed)
    {
        var (weights, n) = Case(seed);
        if (weights.Length == 0) return;
        double share = (double)weights.Sum() / n, largest = weights.Max();
        for (int i = 1; i <= n; i++)
        {
            var (offset, length) = WorkBalancedPartition.Of(weights, new Shard(i, n)).GetOffsetAndLength(weights.Length);
            long work = weights.Skip(offset).Take(length).Sum();
            Assert.InRange(work, share - largest, share + largest);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TheSplitDependsOnlyOnTheWeights(int seed)
    {
        var (weights, n) = Case(seed);
        var again = weights.ToList(); // another task of the array computes it from its own copy
        for (int i = 1; i <= n; i++)
            Assert.Equal(WorkBalancedPartition.Of(weights, new Shard(i, n)), WorkBalancedPartition.Of(again, new Shard(i, n)));
    }

    [Fact]
    public void BalancedByWorkNotCount()
    {
        // Six VGA images then two 12-megapixel ones: halving the count gives 264 and 452 units, the work split 330 and 386.
        long small = ImageWork.Units(640, 480), large = ImageWork.Units(4000, 3000);
        long[] weights = [small, small, small, small, small, small, large, large];
        var first = WorkBalancedPartition.Of(weights, new Shard(1, 2)).GetOffsetAndLength(weights.Length);
        Assert.Equal((0, 5), first);
    }

    [Fact]
    public void MoreShardsThanItemsLeavesSomeEmpty()
    {
        long[] weights = [5, 5];
        var lengths = Enumerable.Range(1, 5).Select(i => WorkBalancedPartition.Of(weights, new Shard(i, 5)).GetOffsetAndLength(2).Length).ToList();
        Assert.Equal(2, lengths.Sum());
        Assert.All(lengths, l => Assert.InRange(l, 0, 1));
    }

    [Fact]
    public void UnknownImageSizesCountAsTheMeanKnownImage()
    {
        var units = ImageWork.Units([(1000, 1000), null, (3000, 1000)]);
        Assert.Equal(ImageWork.Units(2000, 1000), units[1]);
        Assert.All(ImageWork.Units([null, null]), u => Assert.Equal(ImageWork.ForwardUnits, u));
    }
}
