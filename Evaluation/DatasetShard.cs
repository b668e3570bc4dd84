using ParNetDetect.Data;
using ParNetDetect.Sharding;

namespace ParNetDetect.Evaluation;

/// <summary>
/// Shard i of n of a dataset: a contiguous run of whole batches of its images, balanced by work
/// (<see cref="WorkBalancedPartition"/> over the batches' <see cref="ImageWork"/>, from the sizes the annotations
/// give), so n processes with `--shard 1/n` ... `--shard n/n` cover every image exactly once and finish at about the
/// same time even where image sizes differ. Whole batches, because a convolution's float sums can depend on the batch
/// it runs in: each image is detected beside the same images as in one process, so parts run with its thread count
/// give its scores to the last bit.
/// </summary>
public sealed class DatasetShard : IDetectionDataset
{
    readonly IDetectionDataset _inner;
    readonly int _start;

    public DatasetShard(IDetectionDataset inner, Shard shard, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _inner = inner;
        var sizes = Enumerable.Range(0, inner.Count).Select(k => ((int, int)?)(inner[k].Width, inner[k].Height)).ToList();
        var batchWork = ImageWork.Units(sizes).Chunk(batchSize).Select(batch => batch.Sum()).ToList();
        var (firstBatch, batches) = WorkBalancedPartition.Of(batchWork, shard).GetOffsetAndLength(batchWork.Count);
        _start = Math.Min(firstBatch * batchSize, inner.Count);
        Count = Math.Min(batches * batchSize, inner.Count - _start);
        Shard = shard;
    }

    public Shard Shard { get; }
    public string Source => $"{_inner.Source} (shard {Shard})";
    public string Format => _inner.Format;
    public CategoryMap Categories => _inner.Categories;
    public int Count { get; }
    public ImageRecord this[int index] =>
        (uint)index < (uint)Count ? _inner[_start + index] : throw new ArgumentOutOfRangeException(nameof(index));
    public DatasetIssues Issues => _inner.Issues;
    /// <summary>The whole dataset's files: the other shards' images are the user's too.</summary>
    public IEnumerable<string> Files => _inner.Files;
}
