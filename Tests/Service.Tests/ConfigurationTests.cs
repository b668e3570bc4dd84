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
    public void Valid_file_binds_every_section()
    {
        var o = ServiceConfiguration.Bind(ServiceConfiguration.Load(WriteJson(Valid)));
        var cam = Assert.Single(o.Cameras);
        Assert.Equal(("door", 0.4, "person"), (cam.Id, cam.Confidence, cam.Classes[0]));
        Assert.Equal([1.0, 0.0], cam.Zones[0].Points[1]);
        Assert.Equal(1884, o.Mqtt.Port);
        Assert.Equal("http://127.0.0.1:8080", o.Http.Urls);
    }

    [Fact]
    public void Every_bad_field_is_named_in_one_error()
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

    [Fact]
    public void Unknown_key_and_wrong_type_are_errors_not_ignored()
    {
        var typo = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(ServiceConfiguration.Load(
            WriteJson("""{ "Detect": { "Cameras": [ { "Id": "a", "Source": "x", "Confidense": 0.3 } ] } }"""))));
        Assert.Contains("Detect:Cameras:0:Confidense: unknown setting", typo.Message);
        var type = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(ServiceConfiguration.Load(
            WriteJson("""{ "Detect": { "Cameras": [ { "Id": "a", "Source": "x", "FpsCap": "fast" } ] } }"""))));
        Assert.Contains("Detect:Cameras:0:FpsCap", type.Message);
    }

    [Fact]
    public void Missing_or_malformed_file_is_a_clear_error()
    {
        Assert.Contains("does not exist", Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Load("/nonexistent/app.json")).Message);
        Assert.Contains("not valid JSON", Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Load(WriteJson("{ \"Detect\": "))).Message);
    }

    [Fact]
    public void Environment_and_overrides_win_over_the_file()
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

    [Theory]
    [InlineData("http://0.0.0.0:8080", null, false)]
    [InlineData("http://0.0.0.0:8080", "secret", true)]
    [InlineData("http://*:8080", null, false)]
    [InlineData("http://+:8080", "secret", true)]
    [InlineData("http://localhost:8080;http://[::1]:8081", null, true)]
    [InlineData("ftp://127.0.0.1:21", null, false)]
    public void Listening_beyond_loopback_needs_an_api_key(string urls, string? key, bool ok)
    {
        var o = new ServiceOptions { Cameras = [new CameraOptions { Id = "a", Source = "x" }], Http = new HttpOptions { Urls = urls, ApiKey = key } };
        Assert.Equal(ok, ServiceOptionsValidator.Validate(o).Count == 0);
    }

    [Fact]
    public async Task Runner_exits_78_on_a_bad_configuration()
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
    public void Example_configuration_is_valid()
    {
        var o = ServiceConfiguration.Bind(ServiceConfiguration.Load(RepoFile("deploy/appsettings.example.json")));
        Assert.Equal(["driveway", "desk"], o.Cameras.Select(c => c.Id));
    }

    [Fact]
    public void Unit_file_is_a_notify_service_with_watchdog_and_config_exit_code()
    {
        string unit = File.ReadAllText(RepoFile("deploy/parnet-detect.service"));
        foreach (string line in new[] { "Type=notify", "WatchdogSec=", "Restart=on-failure", "User=parnet-detect",
                     "--config /etc/parnet-detect/appsettings.json", $"RestartPreventExitStatus={ServiceRunner.ConfigurationError}" })
            Assert.Contains(line, unit);
    }

    [Fact]
    public void Template_unit_gives_each_instance_its_shard_port_and_state_folder()
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
    public async Task A_taken_port_is_exit_code_1_after_stopping_what_had_started()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        string dir = Support.TestVideos.TempDirectory();
        var overrides = new Dictionary<string, string?>
        {
            ["Detect:Cameras:0:Id"] = "a",
            ["Detect:Cameras:0:Source"] = Support.TestVideos.MovingSquare(dir),
            ["Detect:Events:JsonLinesPath"] = Path.Combine(dir, "events.jsonl"),
            ["Detect:Http:Urls"] = $"http://127.0.0.1:{port}",
        };
        var detector = new Support.FakeDetector();
        int code = await ServiceRunner.RunAsync(null, null, overrides, new ServiceHostSettings { CreateDetector = _ => detector });
        Assert.Equal(1, code);
    }
}
