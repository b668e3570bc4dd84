using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;

namespace ParNetDetect.Service.Pipeline;

/// <summary>The runtimes of this instance's cameras (its <see cref="CameraShard"/>), in configuration order; shared by
/// the loop, HTTP and watchdog.</summary>
public sealed class CameraRegistry : IDisposable
{
    readonly Dictionary<string, CameraRuntime> _byId;

    public CameraRegistry(ServiceOptions options, CameraShard shard, IObjectDetector detector, ILoggerFactory logs,
        TimeProvider clock)
    {
        var logger = logs.CreateLogger("ParNetDetect.Service.Camera");
        All = shard.Owned.Select(i => new CameraRuntime(options.Cameras[i], $"Cameras:{i}", detector, options, logger, clock))
            .ToList();
        _byId = All.ToDictionary(c => c.Id, StringComparer.Ordinal);
        Shard = shard;
        if (shard.Shard.Count > 1)
            logger.LogInformation("Shard {Shard} ({Origin}) runs cameras [{Owned}]; other instances run [{Others}]", shard.Shard.ToString(),
                shard.Origin, string.Join(", ", All.Select(c => c.Id)), string.Join(", ", shard.Others));
    }

    public CameraShard Shard { get; }

    public IReadOnlyList<CameraRuntime> All { get; }

    public CameraRuntime? Find(string id) => _byId.GetValueOrDefault(id);

    public void Dispose()
    {
        foreach (var c in All) c.Dispose();
    }
}
