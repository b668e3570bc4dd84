using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Hosting;

namespace ParNetDetect.Service.Tests;

/// <summary>Object filters, masks and stationary settings that can never work stop the service at start, each bad
/// field named.</summary>
public class FilterConfigurationTests
{
    static string WriteJson(string json)
    {
        string dir = Support.TestVideos.TempDirectory();
        string path = Path.Combine(dir, "appsettings.json");
        File.WriteAllText(path, json.Replace("EVENTS", Path.Combine(dir, "events.jsonl")));
        return path;
    }

    [Fact]
    public void FiltersAndMasksBindPerCameraAndPerLabel()
    {
        var o = ServiceConfiguration.Bind(ServiceConfiguration.Load(WriteJson("""
            { "Detect": { "Cameras": [ { "Id": "a", "Source": "x.avi", "MinScore": 0.2, "MaxArea": 0.5,
                "Labels": { "person": { "Threshold": 0.7, "MinArea": 1500 } },
                "ObjectMasks": [ [[0, 0], [0.2, 0], [0.2, 0.1]] ],
                "Motion": { "Masks": [ [[0.8, 0], [1, 0], [1, 0.2]] ] },
                "Tracker": { "StationarySeconds": 30 } } ] } }
            """)));
        var cam = Assert.Single(o.Cameras);
        Assert.Equal<(double?, double?)>((0.2, 0.5), (cam.MinScore, cam.MaxArea));
        Assert.Null(cam.Confidence); // the model's thresholds
        Assert.Equal<(double?, double?)>((0.7, 1500), (cam.Labels["PERSON"].Threshold, cam.Labels["person"].MinArea));
        Assert.Null(cam.Labels["person"].MaxArea); // the camera's
        Assert.Equal([0.2, 0.1], cam.ObjectMasks[0][2]);
        Assert.Equal([1.0, 0.2], cam.Motion.Masks[0][2]);
        Assert.Equal(30, cam.Tracker.StationarySeconds);
    }

    [Fact]
    public void AFilterThatCanNeverPassAndABadMaskAreNamedWithEveryOtherBadField()
    {
        string json = """
            { "Detect": { "Cameras": [ { "Id": "a", "Source": "x.avi",
                "Threshold": 1.5, "MinRatio": 3, "MaxRatio": 2, "MaxArea": 0.2,
                "Labels": { "car": { "MinArea": 0.3 }, "person": { "MinScore": -0.1, "MaxArea": 0, "MinAera": 3 } },
                "ObjectMasks": [ [[0, 0], [1, 0]], [[0, 0], [1.2, 0], [1, 1]] ],
                "Motion": { "Masks": [ [[0, 0], [1, 1]] ] },
                "Tracker": { "StationarySeconds": -1 } } ] } }
            """;
        var e = Assert.Throws<ConfigurationException>(() => ServiceConfiguration.Bind(ServiceConfiguration.Load(WriteJson(json))));
        string[] expected =
        [
            "Detect:Cameras:0:Labels:person:MinAera: unknown setting (misspelt?).",
            "Detect:Cameras:0:Tracker:StationarySeconds: must be in [0, 86400] (got -1).",
            "Detect:Cameras:0:Threshold: must be in [0, 1] (got 1.5).",
            "Detect:Cameras:0:MinRatio: 3 is more than MaxRatio (2): no object could pass.",
            "Detect:Cameras:0:Labels:car:MinArea: 0.3 is more than MaxArea (0.2): no car could pass.",
            "Detect:Cameras:0:Labels:person:MinScore: must be in [0, 1] (got -0.1).",
            "Detect:Cameras:0:Labels:person:MaxArea: must be more than 0 (got 0): no person could pass.",
            "Detect:Cameras:0:ObjectMasks:0: a polygon needs at least 3 points (got 2).",
            "Detect:Cameras:0:ObjectMasks:1:1: must be an [x, y] pair normalized to [0, 1] of the frame.",
            "Detect:Cameras:0:Motion:Masks:0: a polygon needs at least 3 points (got 2).",
        ];
        string[] lines = e.Message.Split('\n');
        Assert.Equal("invalid configuration:", lines[0]);
        Assert.Equal(expected.Order(), lines[1..].Select(l => l.Trim()).Order());
    }

    [Fact]
    public void AreasInPixelsAndInFractionsAreNotComparedBeforeAFrameIsSeen()
    {
        var camera = new CameraOptions { Id = "a", Source = "x.avi", MinArea = 5000, MaxArea = 0.5 };
        Assert.Empty(ServiceOptionsValidator.Validate(new ServiceOptions { Cameras = [camera] }));
    }

    [Fact]
    public async Task RunnerExits78NamingAFilterThatCanNeverPass()
    {
        var errors = new StringWriter();
        int code = await ServiceRunner.RunAsync(WriteJson("""
            { "Detect": { "Cameras": [ { "Id": "a", "Source": "x.avi", "MinArea": 5000, "MaxArea": 2000 } ],
                          "Events": { "JsonLinesPath": "EVENTS" } } }
            """), null, null, new ServiceHostSettings { CreateDetector = _ => new Support.FakeDetector(), ErrorOutput = errors });
        Assert.Equal(ServiceRunner.ConfigurationError, code);
        Assert.Equal("""
            detect serve: invalid configuration:
              Detect:Cameras:0:MinArea: 5000 is more than MaxArea (2000): no object could pass.
            """.ReplaceLineEndings("\n").TrimEnd(), errors.ToString().TrimEnd());
    }

    [Fact]
    public async Task RunnerExits78NamingALabelTheModelDoesNotKnow()
    {
        var errors = new StringWriter();
        int code = await ServiceRunner.RunAsync(WriteJson("""
            { "Detect": { "Cameras": [ { "Id": "a", "Source": "x.avi", "Labels": { "sqare": { "MinArea": 100 } } } ],
                          "Events": { "JsonLinesPath": "EVENTS" } } }
            """), null, null, new ServiceHostSettings { CreateDetector = _ => new Support.FakeDetector(), ErrorOutput = errors });
        Assert.Equal(ServiceRunner.ConfigurationError, code);
        Assert.Equal("""
            detect serve: invalid configuration:
              Detect:Cameras:0:Labels:sqare: 'sqare' is not a class of the model (known: square, circle).
            """.ReplaceLineEndings("\n").TrimEnd(), errors.ToString().TrimEnd());
    }
}
