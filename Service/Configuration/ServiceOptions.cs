using ParNetDetect.Inference.Backends;

namespace ParNetDetect.Service.Configuration;

/// <summary>
/// The whole service configuration, bound from the "Detect" section of appsettings.json. Environment variables
/// override any value with the PARNET_ prefix and `__` as the separator, e.g.
/// <c>PARNET_Detect__Cameras__0__Confidence=0.4</c>.
/// </summary>
public sealed class ServiceOptions
{
    public const string SectionName = "Detect";

    public DetectorOptions Detector { get; set; } = new();
    public List<CameraOptions> Cameras { get; set; } = new();
    public EventOptions Events { get; set; } = new();
    public HistoryOptions History { get; set; } = new();
    public MqttOptions Mqtt { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    public LoggingOptions Logging { get; set; } = new();
    public WatchdogOptions Watchdog { get; set; } = new();

    /// <summary>With N instances on one configuration: "i/n" runs only the cameras whose id hashes to shard i of n;
    /// "auto" takes i/n from the environment (docs/cluster.md). Empty runs every camera.</summary>
    public string? Shard { get; set; }

    /// <summary>Seconds the host gives every component to flush and stop after SIGTERM.</summary>
    public double ShutdownTimeoutSeconds { get; set; } = 10;
}

public sealed class DetectorOptions
{
    /// <summary>Weights file, or "demo" for the bundled demo model.</summary>
    public string Weights { get; set; } = "demo";

    /// <summary>
    /// The runtime: onnx (default: ONNX Runtime, the faster on CPUs; a checkpoint is exported in memory at start),
    /// torch (TorchSharp, checkpoints only) or auto (by the weights file's type).
    /// </summary>
    public BackendKind Backend { get; set; } = BackendKind.Onnx;

    /// <summary>"cpu", "cuda" or "cuda:N" (CUDA needs a CUDA build, see docs/cuda.md).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Intra-op threads for inference; 0 = one per core.</summary>
    public int Threads { get; set; }

    /// <summary>Intersection over union above which NMS suppresses a box.</summary>
    public double IouThreshold { get; set; } = 0.45;

    /// <summary>The side frames are letterboxed to, a multiple of 32; 0: the model's own (where its thresholds were
    /// calibrated, else its trained size). Larger finds smaller objects and costs the square of the side.</summary>
    public int ImageSize { get; set; }

    /// <summary>Class names of an ONNX graph exported elsewhere (YOLO layout, without this project's metadata), by class index.</summary>
    public string[]? Classes { get; set; }
}

public sealed class EventOptions
{
    /// <summary>JSON-lines event log; empty disables it. Rotated at <see cref="MaxFileBytes"/>.</summary>
    public string? JsonLinesPath { get; set; } = "events/events.jsonl";
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;
    /// <summary>Rotated files kept beside the live one (events.1.jsonl is the newest).</summary>
    public int RetainedFiles { get; set; } = 5;
    /// <summary>Folder for JPEG snapshots attached to events of cameras with Snapshots on.</summary>
    public string SnapshotDirectory { get; set; } = "events/snapshots";
    /// <summary>Snapshots kept per camera; the oldest are deleted beyond this, so the disk never fills.</summary>
    public int MaxSnapshotsPerCamera { get; set; } = 1000;
    /// <summary>Events waiting for slow sinks beyond this are dropped (and counted) rather than stalling detection.</summary>
    public int QueueCapacity { get; set; } = 1024;
}

public sealed class MqttOptions
{
    public bool Enabled { get; set; }
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;
    public string ClientId { get; set; } = "parnet-detect";
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Topics: {prefix}/status, {prefix}/{camera}/events, {prefix}/{camera}/detections.</summary>
    public string TopicPrefix { get; set; } = "parnet";
    /// <summary>Retained online/offline topic; empty means {prefix}/status. A shard i of n appends /i.</summary>
    public string? StatusTopic { get; set; }
    /// <summary>Also publish every processed frame's detections (QoS 0), not just object events.</summary>
    public bool PublishDetections { get; set; } = true;
    public HomeAssistantOptions HomeAssistant { get; set; } = new();
}

public sealed class HttpOptions
{
    /// <summary>Semicolon-separated listen URLs. Anything beyond loopback requires <see cref="ApiKey"/>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";
    /// <summary>Required as header X-Api-Key or query api_key on every route but /healthz when set; at least 16
    /// characters, no whitespace (e.g. `openssl rand -hex 24`).</summary>
    public string? ApiKey { get; set; }
    public int JpegQuality { get; set; } = 75;
    /// <summary>Frames per second cap of each MJPEG stream.</summary>
    public double StreamFps { get; set; } = 10;
}

public sealed class LoggingOptions
{
    /// <summary>Verbose, Debug, Information, Warning, Error or Fatal.</summary>
    public string Level { get; set; } = "Information";
    /// <summary>Optional rolling log file (one per day, compact JSON), e.g. /var/log/parnet-detect/service-.log.</summary>
    public string? FilePath { get; set; }
    public int RetainedFiles { get; set; } = 7;
}

public sealed class WatchdogOptions
{
    /// <summary>Heartbeats stop when no frame was captured or detected for this long, so systemd restarts us.</summary>
    public double StallSeconds { get; set; } = 20;
}
