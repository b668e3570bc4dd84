using Microsoft.Extensions.Options;
using ParNetDetect.Imaging.Video;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Hosting;

namespace ParNetDetect.Service.Tests;

public class ConfigurationTests
{
    static string WriteJson(string json)
    {
        string path = Path.Combine(Support.TestVideos.TempDirectory(), "appsettings.json");
        File.WriteAllText(path, json);
        return path;
    }

    const string Valid = """
        { "Detect": {
            "Cameras": [ { "Id": "door", "Source": "/tmp/x.avi", "Confidence": 0.4, "Classes": ["person"],
                           "Zones": [ { "Name": "porch", "Points": [[0,0],[1,0],[1,1]] } ] } ],
            "Mqtt": { "Enabled": true, "Port": 1884 } } }
        """;

    [Fact]
    public void ValidFileBindsEverySection()
    {
        var o = ServiceConfiguration.Bind(ServiceConfiguration.Load(WriteJson(Valid)));
        var cam = Assert.Single(o.Cameras);
        Assert.Equal<(string, double?, string)>(("door", 0.4, "person"), (cam.Id, cam.Confidence, cam.Classes[0]));
        Assert.Equal([1.0, 0.0], cam.Zones[0].Points[1]);
        Assert.Equal(1884, o.Mqtt.Port);
        Assert.Equal("http://127.0.0.1:8080", o.Http.Urls);
    }

    [Fact]
    public void EveryBadFieldIsNamedInOneError()
    {
        string json = """
            { "Detect": { "Cameras": [
                { "Id": "a", "Source": "x.avi", "Confidence": 1.5 },
                { "Id": "a", "Source": "", "Zones": [ { "Name": "z", "Points": [[0,0],[2,0]] } ] } ] } }
            """;
        var e = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(ServiceConfiguration.Load(WriteJson(json))));
        Assert.Contains("Detect:Cameras:0:Confidence: must be in [0, 1] (got 1.5)", e.Message);
        Assert.Contains("Detect:Cameras:1:Id: 'a' is used by another camera", e.Message);
        Assert.Contains("Detect:Cameras:1:Source: is required", e.Message);
        Assert.Contains("Detect:Cameras:1:Zones:0:Points: a polygon needs at least 3 points", e.Message);
        Assert.Contains("Detect:Cameras:1:Zones:0:Points:1:", e.Message);
    }

    [Theory]
    [InlineData("rtsp://cam/s", null)]
    [InlineData("RTSP://cam/s", null)]
    [InlineData("Srt://cam:9000", null)]
    [InlineData("/dev/video0", null)]
    [InlineData("clips/door.mp4", null)]
    [InlineData("rtps://admin:pw@cam/s", "Detect:Cameras:0:Source: 'rtps://***@cam/s' has scheme 'rtps', which is not one of rtsp, rtsps, rtmp, http, https, udp, tcp, srt.")]
    [InlineData("file:///srv/clip.mp4", "Detect:Cameras:0:Source: 'file:///srv/clip.mp4' has scheme 'file', which is not one of rtsp, rtsps, rtmp, http, https, udp, tcp, srt.")]
    public void SourceSchemesAreCheckedCaseInsensitively(string source, string? error)
    {
        var o = new ServiceOptions { Cameras = [new CameraOptions { Id = "a", Source = source }] };
        Assert.Equal(error == null ? [] : [error], ServiceOptionsValidator.Validate(o));
    }

    [Fact]
    public void UnknownKeyAndWrongTypeAreErrorsNotIgnored()
    {
        var typo = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(ServiceConfiguration.Load(
            WriteJson("""{ "Detect": { "Cameras": [ { "Id": "a", "Source": "x", "Confidense": 0.3 } ] } }"""))));
        Assert.Contains("Detect:Cameras:0:Confidense: unknown setting", typo.Message);
        var type = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(ServiceConfiguration.Load(
            WriteJson("""{ "Detect": { "Cameras": [ { "Id": "a", "Source": "x", "FpsCap": "fast" } ] } }"""))));
        Assert.Contains("Detect:Cameras:0:FpsCap", type.Message);
    }

    [Fact]
    public void MissingOrMalformedFileIsAClearError()
    {
        Assert.Contains("does not exist", Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Load("/nonexistent/app.json")).Message);
        Assert.Contains("not valid JSON", Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Load(WriteJson("{ \"Detect\": "))).Message);
    }

    [Theory]
    [InlineData("{ \"Detect\": {\n  \"Cameras\": [ { \"Id\": \"a\" \"Source\": \"x\" } ] } }", 2, 28, "'\"' is invalid after a value.")]
    [InlineData("{ \"Detect\": {\n  \"Http\": { \"Urls\": \"http://127.0.0.1:8080\", }\n  \"Mqtt\": {} } }", 3, 3, "'\"' is invalid after a value.")]
    [InlineData("{ \"Detect\": {\n  \"Cameras\": [ { \"Id\": \"Entrée\", \"Source\": x } ] } }", 2, 44, "'x' is an invalid start of a value.")]
    public void BrokenJsonIsOneLineWithFileLineAndColumn(string json, int line, int column, string what)
    {
        string path = WriteJson(json);
        string message = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Load(path)).Message;
        Assert.StartsWith($"configuration file '{path}' is not valid JSON: line {line}, column {column}: {what}", message);
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain("BytePositionInLine", message);
    }

    [Fact]
    public void ATypeErrorDoesNotHideTheOtherBadFields()
    {
        string json = """
            { "Detect": {
                "Cameras": [ { "Id": "a", "Source": "x", "FpsCap": "abc", "Confidence": 1.5, "Confidense": 0.3, "Motion": 5,
                               "Zones": [ { "Name": "z", "Points": [[0, 0], [1, "one"], [1, 1]] } ] } ],
                "Events": { "QueueCapacity": "lots" },
                "Http": { "JpegQuality": 500 } } }
            """;
        var e = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(ServiceConfiguration.Load(WriteJson(json))));
        Assert.Equal("""
            invalid configuration:
              Detect:Cameras:0:Confidense: unknown setting (misspelt?).
              Detect:Cameras:0:FpsCap: 'abc' is not a valid Double.
              Detect:Cameras:0:Motion: '5' is a value, but this setting is a section ({ ... }).
              Detect:Cameras:0:Zones:0:Points:1:1: 'one' is not a valid Double.
              Detect:Events:QueueCapacity: 'lots' is not a valid Int32.
              Detect:Cameras:0:Confidence: must be in [0, 1] (got 1.5).
              Detect:Http:JpegQuality: must be in [1, 100] (got 500).
            """.ReplaceLineEndings("\n").TrimEnd(), e.Message);
    }

    [Fact]
    public async Task RunnerExits78WithOneLineOnBrokenJson()
    {
        string path = WriteJson("{ \"Detect\": { \"Cameras\": [ }");
        var errors = new StringWriter();
        int code = await ServiceRunner.RunAsync(path, null, null, new ServiceHostSettings { CreateDetector = _ => new Support.FakeDetector(), ErrorOutput = errors });
        Assert.Equal(ServiceRunner.ConfigurationError, code);
        Assert.Equal($"detect serve: configuration file '{path}' is not valid JSON: line 1, column 28: '}}' is an invalid start of a value.",
            errors.ToString().TrimEnd());
    }

    [Fact]
    public void EnvironmentAndOverridesWinOverTheFile()
    {
        const string name = "PARNET_Detect__Cameras__0__Confidence";
        Environment.SetEnvironmentVariable(name, "0.7");
        try
        {
            var o = ServiceConfiguration.Bind(ServiceConfiguration.Load(WriteJson(Valid), overrides: new Dictionary<string, string?>
            {
                ["Detect:Http:Urls"] = "http://127.0.0.1:9999",
            }));
            Assert.Equal(0.7, o.Cameras[0].Confidence);
            Assert.Equal("http://127.0.0.1:9999", o.Http.Urls);
        }
        finally { Environment.SetEnvironmentVariable(name, null); }
    }

    const string GoodKey = "9f86d081884c7d659a2feaa0c55ad015"; // e.g. from `openssl rand -hex 16`

    [Theory]
    [InlineData("http://0.0.0.0:8080", null, false)]
    [InlineData("http://0.0.0.0:8080", GoodKey, true)]
    [InlineData("http://*:8080", null, false)]
    [InlineData("http://+:8080", GoodKey, true)]
    [InlineData("http://localhost:8080;http://[::1]:8081", null, true)]
    [InlineData("ftp://127.0.0.1:21", null, false)]
    [InlineData("http://0.0.0.0:8080", "  ", false)]
    [InlineData("http://0.0.0.0:8080", "                    ", false)]
    public void ListeningBeyondLoopbackNeedsAnApiKey(string urls, string? key, bool ok)
    {
        var o = new ServiceOptions { Cameras = [new CameraOptions { Id = "a", Source = "x" }], Http = new HttpOptions { Urls = urls, ApiKey = key } };
        Assert.Equal(ok, ServiceOptionsValidator.Validate(o).Count == 0);
    }

    [Theory]
    [InlineData(null, true)] // no key: loopback only
    [InlineData("", true)] // as unset (an empty environment variable)
    [InlineData(GoodKey, true)]
    [InlineData("0123456789abcdef", true)]
    [InlineData("  ", false)]
    [InlineData("0123456789abcde", false)] // 15 characters
    [InlineData("0123456789 abcdef", false)] // a header or query value would not carry the space reliably
    [InlineData(" 0123456789abcdef", false)]
    public void AnApiKeyHasAtLeast16CharactersAndNoWhitespace(string? key, bool ok)
    {
        var o = new ServiceOptions { Cameras = [new CameraOptions { Id = "a", Source = "x" }], Http = new HttpOptions { ApiKey = key } };
        var errors = ServiceOptionsValidator.Validate(o);
        Assert.Equal(ok, errors.Count == 0);
        if (!ok) Assert.Equal("Detect:Http:ApiKey: must be at least 16 characters without spaces (make one with `openssl rand -hex 24`).", Assert.Single(errors));
    }

    [Fact]
    public void HistoryAndHomeAssistantSettingsAreCheckedWithTheRestWhenReadAndWhenTheHostIsBuilt()
    {
        var configuration = ServiceConfiguration.Load(WriteJson("""
            { "Detect": {
                "Cameras": [ { "Id": "a", "Source": "x", "History": { "Clip": true, "PreRollSeconds": 120, "MaxDiskMB": 0 } } ],
                "Events": { "JsonLinesPath": "" },
                "History": { "QueueCapacity": 0, "RetentionIntervalSeconds": "often" },
                "Mqtt": { "Enabled": true, "HomeAssistant": { "Enabled": true, "DiscoveryPrefix": "home/#" } } } }
            """));
        string[] expected =
        [
            "Detect:Cameras:0:History:Clip: unknown setting (misspelt?).",
            "Detect:History:RetentionIntervalSeconds: 'often' is not a valid Double.",
            "Detect:History:QueueCapacity: must be in [1, 1000000] (got 0).",
            "Detect:Cameras:0:History:PreRollSeconds: must be in [0, 60] (got 120).",
            "Detect:Cameras:0:History:MaxDiskMB: must be in [1, 1000000000] (got 0).",
            "Detect:Mqtt:HomeAssistant:DiscoveryPrefix: must be non-empty and free of the wildcards '#' and '+'.",
        ];
        var read = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(configuration));
        Assert.Equal(ConfigurationException.Listing(expected).Message, read.Message);
        var built = Assert.Throws<OptionsValidationException>(() =>
            ServiceHost.Build(configuration, new ServiceHostSettings { CreateDetector = _ => new Support.FakeDetector() }));
        Assert.Equal(expected, built.Failures);
        // Options made in code (tests, benchmarks) are checked the same way.
        var inCode = new ServiceOptions { Cameras = [new CameraOptions { Id = "a", Source = "x" }], History = new HistoryOptions { QueueCapacity = 0 } };
        Assert.Contains(expected[2], Assert.Throws<ConfigurationException>(() => ServiceOptionsValidator.ThrowIfInvalid(inCode)).Message);
    }

    [Fact]
    public void TheHostReadsItsOptionsThroughIOptionsAndOneValidationExceptionNamesEveryBadField()
    {
        var configuration = ServiceConfiguration.Load(WriteJson("""
            { "Detect": { "Cameras": [ { "Id": "a", "Source": "x", "FpsCap": "fast", "Confidence": 2 } ],
                          "Events": { "JsonLinesPath": "" } } }
            """));
        var e = Assert.Throws<OptionsValidationException>(() =>
            ServiceHost.Build(configuration, new ServiceHostSettings { CreateDetector = _ => new Support.FakeDetector() }));
        Assert.Equal(["Detect:Cameras:0:FpsCap: 'fast' is not a valid Double.", "Detect:Cameras:0:Confidence: must be in [0, 1] (got 2)."],
            e.Failures);
    }

    [Fact]
    public async Task RunnerExits78OnABadConfiguration()
    {
        var settings = new ServiceHostSettings { CreateDetector = _ => new Support.FakeDetector() };
        int code = await ServiceRunner.RunAsync(WriteJson("""{ "Detect": { "Cameras": [] } }"""), null, null, settings);
        Assert.Equal(ServiceRunner.ConfigurationError, code);
    }
}

public class DeployFilesTests
{
    static string RepoFile(string relative, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", relative));

    [Fact]
    public void ExampleConfigurationIsValid()
    {
        var o = ServiceConfiguration.Bind(ServiceConfiguration.Load(RepoFile("deploy/appsettings.example.json")));
        Assert.Equal(["driveway", "desk"], o.Cameras.Select(c => c.Id));
        Assert.True(o.Cameras[0].History.Clips);
        Assert.True(o.Mqtt.HomeAssistant.Enabled);
    }

    [Fact]
    public void ServiceDocNamesWhereTheDemoAndAConfiguredServiceWriteEvents()
    {
        string doc = File.ReadAllText(RepoFile("docs/service.md"));
        Assert.Contains($"`{DemoConfiguration.EventsFile}`", doc);
        Assert.Contains($"`{DemoConfiguration.SnapshotFolder}/`", doc);
        Assert.Contains($"| `Events:JsonLinesPath` | `{new EventOptions().JsonLinesPath}` |", doc);
        Assert.Contains($"| `Events:SnapshotDirectory` | `{new EventOptions().SnapshotDirectory}` |", doc);
        Assert.Contains($"`{DemoConfiguration.HistoryFolder}/`", doc);
        Assert.Contains($"| `History:Directory` | `{new HistoryOptions().Directory}` |", doc);
    }

    [Fact]
    public void UnitFileIsANotifyServiceWithWatchdogAndConfigExitCode()
    {
        string unit = File.ReadAllText(RepoFile("deploy/parnet-detect.service"));
        foreach (string line in new[] { "Type=notify", "WatchdogSec=", "Restart=on-failure", "User=parnet-detect",
                     "--config /etc/parnet-detect/appsettings.json", $"RestartPreventExitStatus={ServiceRunner.ConfigurationError}" })
            Assert.Contains(line, unit);
    }

    [Fact]
    public void TemplateUnitGivesEachInstanceItsShardPortAndStateFolder()
    {
        string unit = File.ReadAllText(RepoFile("deploy/parnet-detect@.service"));
        foreach (string line in new[] { "serve --config /etc/parnet-detect/appsettings.json --shard auto", "Environment=PARNET_SHARD_INDEX=%i",
                     "Environment=PARNET_Detect__Http__Urls=http://127.0.0.1:808%i", "StateDirectory=parnet-detect/%i",
                     "WorkingDirectory=/var/lib/parnet-detect/%i", "EnvironmentFile=-/etc/parnet-detect/environment",
                     $"RestartPreventExitStatus={ServiceRunner.ConfigurationError}", "Type=notify", "WatchdogSec=" })
            Assert.Contains(line, unit);
    }
}

public class RunnerTests
{
    [Fact]
    public async Task EveryUnwritableOutputPathIsNamedWithTheOtherBadFieldsAndExitCode78()
    {
        string dir = Support.TestVideos.TempDirectory();
        string aFile = Path.Combine(dir, "a-file");
        File.WriteAllText(aFile, "");
        var overrides = new Dictionary<string, string?>
        {
            ["Detect:Cameras:0:Id"] = "a",
            ["Detect:Cameras:0:Source"] = Support.TestVideos.MovingSquare(dir),
            ["Detect:Cameras:0:Snapshots"] = "true",
            ["Detect:Cameras:0:FpsCap"] = "fast",
            ["Detect:Events:JsonLinesPath"] = dir, // a folder
            ["Detect:Events:SnapshotDirectory"] = aFile, // a file
            ["Detect:Logging:FilePath"] = "/proc/parnet-detect/service-.log", // a folder nobody can create
            ["Detect:Http:Urls"] = "http://127.0.0.1:0",
        };
        var errors = new StringWriter();
        var detector = new Support.FakeDetector();
        int code = await ServiceRunner.RunAsync(null, null, overrides, new ServiceHostSettings { CreateDetector = _ => detector, ErrorOutput = errors });

        Assert.Equal(ServiceRunner.ConfigurationError, code);
        string[] lines = errors.ToString().TrimEnd().Split('\n');
        Assert.Equal("detect serve: invalid configuration:", lines[0]);
        Assert.Equal([
            "  Detect:Cameras:0:FpsCap: 'fast' is not a valid Double.",
            $"  Detect:Events:JsonLinesPath: '{dir}' is a folder; give a file in it, e.g. '{dir}/events.jsonl'.",
            $"  Detect:Events:SnapshotDirectory: '{aFile}' is a file, not a folder.",
            "  Detect:Logging:FilePath: folder '/proc/parnet-detect' cannot be created or written: Could not find file '/proc/parnet-detect'.",
        ], lines[1..]);
        Assert.Equal(0, detector.Calls);
    }

    [Theory]
    [InlineData("Events:JsonLinesPath", "{0}/a-file/events.jsonl", "'{0}/a-file' is a file, not a folder.")]
    [InlineData("Events:JsonLinesPath", "{0}/", "'{0}/' is a folder; give a file in it, e.g. '{0}/events.jsonl'.")]
    [InlineData("Logging:FilePath", "{0}", "'{0}' is a folder; give a file in it, e.g. '{0}/service-.log'.")]
    [InlineData("Logging:FilePath", "{0}/a-file/service-.log", "'{0}/a-file' is a file, not a folder.")]
    [InlineData("Events:SnapshotDirectory", "/proc/parnet-detect", "folder '/proc/parnet-detect' cannot be created or written: Could not find file '/proc/parnet-detect'.")]
    [InlineData("Events:SnapshotDirectory", "{0}/new/snapshots", null)] // created
    [InlineData("Events:JsonLinesPath", "{0}/new/events.jsonl", null)]
    public void OutputPathsAreCheckedForEverySink(string field, string path, string? problem)
    {
        string dir = Support.TestVideos.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "a-file"), "");
        var o = new ServiceOptions { Cameras = [new CameraOptions { Id = "a", Source = "x", Snapshots = true }] };
        o.Events.JsonLinesPath = o.Events.SnapshotDirectory = Path.Combine(dir, "fine");
        o.Events.JsonLinesPath += "/events.jsonl";
        path = string.Format(path, dir);
        switch (field)
        {
            case "Events:JsonLinesPath": o.Events.JsonLinesPath = path; break;
            case "Events:SnapshotDirectory": o.Events.SnapshotDirectory = path; break;
            default: o.Logging.FilePath = path; break;
        }
        Assert.Equal(problem == null ? [] : [$"Detect:{field}: {string.Format(problem, dir)}"], OutputPaths.Problems(o));
    }

    [Fact]
    public async Task ATakenPortIsOneLineAndExitCode1WithNothingStarted()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        int free = Support.ExternalProcess.FreeTcpPort();
        string dir = Support.TestVideos.TempDirectory();
        string events = Path.Combine(dir, "events.jsonl"), logs = Path.Combine(dir, "logs");
        var overrides = new Dictionary<string, string?>
        {
            ["Detect:Cameras:0:Id"] = "a",
            ["Detect:Cameras:0:Source"] = Support.TestVideos.MovingSquare(dir),
            ["Detect:Events:JsonLinesPath"] = events,
            ["Detect:Logging:FilePath"] = Path.Combine(logs, "service-.log"),
            ["Detect:Http:Urls"] = $"http://127.0.0.1:{free};http://127.0.0.1:{port}",
        };
        var detector = new Support.FakeDetector();
        int sourcesCreated = 0;
        var errors = new StringWriter();
        int code = await ServiceRunner.RunAsync(null, null, overrides, new ServiceHostSettings
        {
            CreateDetector = _ => detector,
            CreateSource = c => { Interlocked.Increment(ref sourcesCreated); return FrameSources.Create(c); },
            ErrorOutput = errors,
        });

        Assert.Equal(1, code);
        Assert.Equal($"detect serve: could not start: Failed to bind to address http://127.0.0.1:{port}: address already in use.",
            errors.ToString().TrimEnd());
        Assert.Equal(0, sourcesCreated); // no camera was opened...
        Assert.Equal(0, detector.Calls);
        Assert.False(File.Exists(events)); // ...and no sink started
        string log = string.Concat(Directory.GetFiles(logs).Select(File.ReadAllText));
        Assert.DoesNotContain("Hosting failed to start", log); // the one line above is the whole report: no stack trace
        Assert.DoesNotContain("AddressInUseException", log);
        Assert.DoesNotContain("shutting down", log); // nothing had started, so nothing is stopped
        using var rebind = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, free);
        rebind.Start(); // the address bound before the failure was released
    }
}
