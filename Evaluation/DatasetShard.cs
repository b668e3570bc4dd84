using ParNetDetect.Data;

namespace ParNetDetect.Evaluation;

/// <summary>
/// Shard i of n of a dataset: a contiguous run of its images (neighbouring files stay on one machine), so n processes
/// with `--shard 1/n` ... `--shard n/n` cover every image exactly once.
/// </summary>
public sealed class DatasetShard : IDetectionDataset
{
    readonly IDetectionDataset _inner;
    readonly int _start;

    public DatasetShard(IDetectionDataset inner, int index, int count)
    {
        if (count < 1 || index < 1 || index > count)
            throw new ArgumentException($"shard {index}/{count}: need 1 <= i <= n.");
        _inner = inner;
        _start = (int)((long)inner.Count * (index - 1) / count);
        Count = (int)((long)inner.Count * index / count) - _start;
        Index = index;
        Shards = count;
    }

    /// <summary>Parses "i/n" (1-based).</summary>
    public static (int Index, int Count) Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && n >= 1 && i >= 1 && i <= n)
            return (i, n);
        throw new ArgumentException($"--shard must be i/n with 1 <= i <= n (got '{text}').");
    }

    public int Index { get; }
    public int Shards { get; }
    public string Source => $"{_inner.Source} (shard {Index}/{Shards})";
    public string Format => _inner.Format;
    public CategoryMap Categories => _inner.Categories;
    public int Count { get; }
    public ImageRecord this[int index] =>
        (uint)index < (uint)Count ? _inner[_start + index] : throw new ArgumentOutOfRangeException(nameof(index));
    public DatasetIssues Issues => _inner.Issues;
    /// <summary>The whole dataset's files: the other shards' images are the user's too.</summary>
    public IEnumerable<string> Files => _inner.Files;
}
