using ParNetDetect.Data;
using ParNetDetect.Sharding;

namespace ParNetDetect.Evaluation;

/// <summary>
/// Shard i of n of a dataset: a contiguous run of its images balanced by work (<see cref="WorkBalancedPartition"/>
/// over <see cref="ImageWork"/>, from the sizes the annotations give), so n processes with `--shard 1/n` ...
/// `--shard n/n` cover every image exactly once and finish at about the same time even where image sizes differ.
/// </summary>
public sealed class DatasetShard : IDetectionDataset
{
    readonly IDetectionDataset _inner;
    readonly int _start;

    public DatasetShard(IDetectionDataset inner, Shard shard)
    {
        _inner = inner;
        var sizes = Enumerable.Range(0, inner.Count).Select(k => ((int, int)?)(inner[k].Width, inner[k].Height)).ToList();
        (_start, Count) = WorkBalancedPartition.Of(ImageWork.Units(sizes), shard).GetOffsetAndLength(inner.Count);
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
