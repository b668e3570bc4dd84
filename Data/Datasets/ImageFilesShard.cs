using ParNetDetect.Sharding;

namespace ParNetDetect.Data;

/// <summary>A shard of a list of image files, balanced by work from each image's header (its size), never decoded.</summary>
public static class ImageFilesShard
{
    /// <summary>Shard <paramref name="shard"/>'s files: a contiguous run of <paramref name="files"/>, in their order.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> files, Shard shard)
    {
        var units = ImageWork.Units(files.Select(ImageHeader.TryReadSize).ToList());
        var (offset, length) = WorkBalancedPartition.Of(units, shard).GetOffsetAndLength(files.Count);
        return files.Skip(offset).Take(length).ToList();
    }
}
