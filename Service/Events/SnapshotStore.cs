namespace ParNetDetect.Service.Events;

/// <summary>
/// One camera's event snapshots: JPEG files named by time (so name order is age order), at most
/// <c>maxFiles</c> of them; saving one more deletes the oldest. Files left by an earlier run count too.
/// </summary>
public sealed class SnapshotStore(string directory, int maxFiles)
{
    Queue<string>? _files;

    /// <summary>Writes the JPEG and returns its full path.</summary>
    public string Save(byte[] jpeg, DateTimeOffset at)
    {
        if (_files == null)
        {
            Directory.CreateDirectory(directory);
            _files = new Queue<string>(Directory.GetFiles(directory, "*.jpg").Order(StringComparer.Ordinal));
        }
        string path = Path.GetFullPath(Path.Combine(directory, $"{at.UtcDateTime:yyyyMMdd-HHmmss-fff}.jpg"));
        File.WriteAllBytes(path, jpeg);
        _files.Enqueue(path);
        while (_files.Count > maxFiles)
        {
            string oldest = _files.Dequeue();
            if (oldest != path) File.Delete(oldest);
        }
        return path;
    }
}
