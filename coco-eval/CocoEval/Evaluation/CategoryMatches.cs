namespace CocoEval.Evaluation;

/// <summary>
/// One category's per-image matching results, images in ascending id order and each image's detections by score:
/// the concatenation pycocotools' <c>accumulate</c> builds. For each detection and area range, bit t of
/// <see cref="Matched"/> says it matched a GT (with a non-zero id) at IoU threshold t, and of <see cref="Ignored"/>
/// that it is neither a true nor a false positive there. Reused across categories by one worker.
/// </summary>
internal sealed class CategoryMatches(int areaCount)
{
    public int AreaCount { get; } = areaCount;
    public int Count { get; private set; }
    public double[] Scores { get; private set; } = new double[1024];
    /// <summary>Rank of the detection among its image's detections of this category (0 = highest score).</summary>
    public int[] RankInImage { get; private set; } = new int[1024];
    /// <summary>Indexed [detection * AreaCount + area].</summary>
    public uint[] Matched { get; private set; } = new uint[1024 * areaCount];
    public uint[] Ignored { get; private set; } = new uint[1024 * areaCount];
    /// <summary>Non-ignored GT boxes per area range, summed over images.</summary>
    public int[] NonIgnoredGt { get; } = new int[areaCount];

    public void Reset()
    {
        Count = 0;
        Array.Clear(NonIgnoredGt);
    }

    /// <summary>Appends a detection and returns its index; its Matched/Ignored bits start cleared.</summary>
    public int Add(double score, int rankInImage)
    {
        if (Count == Scores.Length)
        {
            int size = Count * 2;
            Scores = Grow(Scores, size);
            RankInImage = Grow(RankInImage, size);
            Matched = Grow(Matched, size * AreaCount);
            Ignored = Grow(Ignored, size * AreaCount);
        }
        Scores[Count] = score;
        RankInImage[Count] = rankInImage;
        Array.Clear(Matched, Count * AreaCount, AreaCount);
        Array.Clear(Ignored, Count * AreaCount, AreaCount);
        return Count++;
    }

    private static T[] Grow<T>(T[] array, int size)
    {
        Array.Resize(ref array, size);
        return array;
    }
}
