using ParNetDetect.Service.Detection;
using ParNetDetect.Service.Hosting;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect serve`: the live detection service in the foreground (systemd runs the same command).</summary>
public sealed class ServeCommand : IVerb
{
    public string Name => "serve";
    public string Summary => "live detection service: cameras, events, MQTT, HTTP live view (systemd-ready)";
    public string Usage => """
        usage: detect serve [--config FILE] [--urls URL] [--shard i/n|auto]

          --config FILE   appsettings.json with a "Detect" section (see docs/service.md). Without it, the demo:
                          one looping video of moving shapes (rendered on first run) and the bundled demo model.
          --urls URL      listen URLs, ';'-separated (default http://127.0.0.1:8080); beyond loopback needs
                          Detect:Http:ApiKey.
          --shard i/n     run only the cameras whose id hashes to shard i of n (N instances, one configuration);
                          auto: i/n from a StatefulSet host name NAME-ORDINAL or PARNET_SHARD_INDEX, with
                          PARNET_SHARDS=n (docs/cluster.md).
        Environment variables override any setting: PARNET_Detect__Cameras__0__Confidence=0.5
        Exit codes: 0 stopped cleanly, 1 failed to start, 78 invalid configuration.
        """;

    public int Run(CommandLine args)
    {
        string? config = args.String("config");
        string? urls = args.String("urls");
        string? shard = args.String("shard");
        args.EnsureAllUsed();
        var overrides = new Dictionary<string, string?>();
        if (urls != null) overrides["Detect:Http:Urls"] = urls;
        if (shard != null) overrides["Detect:Shard"] = shard;
        var defaults = config == null ? DemoConfiguration.Defaults() : null;
        var settings = new ServiceHostSettings { CreateDetector = ParNetObjectDetector.Load };
        return ServiceRunner.RunAsync(config, defaults, overrides, settings).GetAwaiter().GetResult();
    }
}
