using System.CommandLine;
using ParNetDetect.CommandLine;
using ParNetDetect.Data;
using ParNetDetect.Service.Detectors;
using ParNetDetect.Service.Hosting;

namespace ParNetDetect.Cli.Commands;

/// <summary>`detect serve`: the live detection service in the foreground (systemd runs the same command).</summary>
public static class ServeCommand
{
    public static Command Create(CommandLineApp app)
    {
        var config = VerbOptions.Text("--config", "appsettings.json with a \"Detect\" section (see docs/service.md). Without it, the demo: " +
                                                  "one looping video of moving shapes (rendered on first run) and the bundled demo model.");
        var urls = VerbOptions.Text("--urls", "listen URLs, ';'-separated (default http://127.0.0.1:8080); beyond loopback needs Detect:Http:ApiKey");
        var shard = VerbOptions.Text("--shard", "i/n: run only the cameras whose id hashes to shard i of n (N instances, one configuration); " +
                                                "auto: i/n from a StatefulSet host name NAME-ORDINAL or PARNET_SHARD_INDEX, with PARNET_SHARDS=n");
        var command = new Command("serve", "live detection service: cameras, events, MQTT, HTTP live view (systemd-ready)") { config, urls, shard };
        app.SetNotes(command, """
            Environment variables override any setting: PARNET_Detect__Cameras__0__Confidence=0.5
            --shard sets Detect:Shard; see docs/cluster.md for instances on one host (systemd) or many (Kubernetes).
            Exit codes: 0 stopped cleanly, 1 failed to start, 78 invalid configuration.
            """);
        command.SetAction(p =>
        {
            string? file = p.GetValue(config);
            var overrides = new Dictionary<string, string?>();
            if (p.GetValue(urls) is { } listen) overrides["Detect:Http:Urls"] = listen;
            if (p.GetValue(shard) is { } part) overrides["Detect:Shard"] = part;
            // The demo's video is rendered here, by Data's renderer, so the service itself needs no dataset code.
            var defaults = file == null ? DemoConfiguration.Defaults(DemoVideo.EnsureRendered()) : null;
            var settings = new ServiceHostSettings { CreateDetector = ParNetObjectDetector.Load };
            return ServiceRunner.RunAsync(file, defaults, overrides, settings).GetAwaiter().GetResult();
        });
        return command;
    }
}
