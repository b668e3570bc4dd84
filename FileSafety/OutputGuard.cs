namespace ParNetDetect.FileSafety;

/// <summary>A command refused to write a file or folder; the message names it, the option it came from and the way out.</summary>
public sealed class OutputRefusedException(string message) : IOException(message);

/// <summary>
/// The one rule for everything a command writes, so nothing the user had is lost: an output that already exists is
/// refused unless the user passed <c>--force</c>, and a file the command reads (annotations, images, weights, ground
/// truth, detections) is never written over, not even with <c>--force</c>. Paths are compared resolved, symbolic
/// links followed, so another spelling of an input or a link to it is caught too. Commands check every output
/// before they write anything. Thread-safe.
/// </summary>
public sealed class OutputGuard
{
    public const string ForceFlag = "--force";

    readonly bool _force;
    readonly PathResolver _resolver = new();
    readonly Lazy<Dictionary<string, string>> _inputs;
    readonly Dictionary<string, string> _claimed = new(PathComparison.Comparer);
    readonly object _gate = new();

    /// <param name="force">The user passed --force: existing outputs may be replaced.</param>
    /// <param name="inputs">Every file the command reads. Enumerated once, and only when an output already exists.</param>
    public OutputGuard(bool force, IEnumerable<string> inputs)
    {
        _force = force;
        _inputs = new Lazy<Dictionary<string, string>>(() =>
        {
            var byResolved = new Dictionary<string, string>(PathComparison.Comparer);
            foreach (string input in inputs) byResolved.TryAdd(_resolver.Resolve(input), input);
            return byResolved;
        });
    }

    /// <summary>
    /// A file the command will write, named by <paramref name="option"/> (such as <c>--save-json</c>). Throws
    /// <see cref="OutputRefusedException"/> when it is an input, when another output of this command is the same
    /// file, or when it exists and --force was not given (<paramref name="otherwise"/> suggests another way out).
    /// </summary>
    public void File(string path, string option, string? otherwise = null)
    {
        lock (_gate)
        {
            string resolved = _resolver.Resolve(path);
            if (_claimed.TryGetValue(resolved, out string? earlier))
                throw new OutputRefusedException($"{option} {path} is also written as {earlier}; give each output its own file.");
            if (System.IO.File.Exists(resolved) || Directory.Exists(resolved))
            {
                // Only an existing file can be an input, so the inputs are resolved only now.
                if (_inputs.Value.TryGetValue(resolved, out string? input))
                    throw new OutputRefusedException(
                        $"{option} {path} is {(input == path ? "" : $"{input}, ")}an input of this command; inputs are never written over, " +
                        $"not even with {ForceFlag}. Choose another {option}.");
                if (!_force)
                    throw new OutputRefusedException($"{option} {path} exists; {(otherwise is null ? "" : otherwise + ", or ")}pass {ForceFlag} to replace it.");
            }
            _claimed[resolved] = option;
        }
    }

    /// <summary>
    /// A folder the command fills: refused when it holds anything, unless --force. The files written into it are
    /// checked one by one with <see cref="File"/>, so an input inside it is still never written over.
    /// </summary>
    public void Folder(string path, string option, string? otherwise = null)
    {
        if (_force || !Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any()) return;
        throw new OutputRefusedException($"{option} {path} is not empty; {(otherwise is null ? "" : otherwise + ", or ")}pass {ForceFlag} to write into it.");
    }
}
