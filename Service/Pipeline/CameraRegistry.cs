using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;

namespace ParNetDetect.Service.Pipeline;

/// <summary>The configured cameras' runtimes, in configuration order; shared by the loop, HTTP and watchdog.</summary>
public sealed class CameraRegistry : IDisposable
{
    readonly Dictionary<string, CameraRuntime> _byId;

    public CameraRegistry(ServiceOptions options, IObjectDetector detector, ILoggerFactory logs, TimeProvider clock)
    {
        var logger = logs.CreateLogger("ParNetDetect.Service.Camera");
        All = options.Cameras.Select((c, i) => new CameraRuntime(c, $"Cameras:{i}", detector, options, logger, clock)).ToList();
        _byId = All.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<CameraRuntime> All { get; }

    public CameraRuntime? Find(string id) => _byId.GetValueOrDefault(id);

    public void Dispose()
    {
        foreach (var c in All) c.Dispose();
    }
}
