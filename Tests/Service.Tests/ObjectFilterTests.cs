using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Tracking;

namespace ParNetDetect.Service.Tests;

/// <summary>Each object filter on its own, on a 100 x 100 frame, with a model whose thresholds are square 0.4 and
/// circle 0.6.</summary>
public class ObjectFilterTests
{
    static ObjectFilter Filter(CameraOptions camera) => new(camera, "Cameras:0", ["square", "circle"], [0.4f, 0.6f]);

    static Detection Box(float x1, float y1, float x2, float y2, float score = 0.9f, int cls = 0) => new(x1, y1, x2, y2, score, cls);

    [Fact]
    public void UnsetScoresFollowTheModelsThresholdOfEachClass()
    {
        var filter = Filter(new CameraOptions());
        Assert.Equal((0.4f, 0.2f, 0.4f), Scores(filter.For(0)!));
        Assert.Equal((0.6f, 0.3f, 0.6f), Scores(filter.For(1)!));
        Assert.Equal(0.2f, filter.LowestMinScore); // what the detector is asked for
        Assert.Equal("square 0.4, circle 0.6", filter.DescribeThresholds());
    }

    [Fact]
    public void ConfidenceOnTheCameraOrALabelReplacesTheModelsThreshold()
    {
        var filter = Filter(new CameraOptions
        {
            Confidence = 0.5,
            Labels = { ["Circle"] = new ObjectFilterOptions { Confidence = 0.8, MinScore = 0.1 } }, // any case
        });
        Assert.Equal((0.5f, 0.25f, 0.5f), Scores(filter.For(0)!));
        Assert.Equal((0.8f, 0.1f, 0.8f), Scores(filter.For(1)!));
        Assert.Equal(0.1f, filter.LowestMinScore);

        var threshold = Filter(new CameraOptions { Threshold = 0.7, MinScore = 0.3 });
        Assert.Equal((0.4f, 0.3f, 0.7f), Scores(threshold.For(0)!));
    }

    [Fact]
    public void DetectionsBelowMinScoreAreDropped()
    {
        var filter = Filter(new CameraOptions { MinScore = 0.3 });
        Assert.False(filter.Passes(Box(10, 10, 30, 30, score: 0.29f), 100, 100));
        Assert.True(filter.Passes(Box(10, 10, 30, 30, score: 0.3f), 100, 100));
    }

    [Fact]
    public void AreaLimitsArePixelsOrFractionsOfTheFrame()
    {
        var filter = Filter(new CameraOptions { MinArea = 0.05, MaxArea = 1000 }); // 500 to 1000 px of 100 x 100
        Assert.False(filter.Passes(Box(0, 0, 20, 20), 100, 100));   // 400 px
        Assert.True(filter.Passes(Box(0, 0, 30, 30), 100, 100));    // 900 px
        Assert.False(filter.Passes(Box(0, 0, 40, 40), 100, 100));   // 1600 px
        Assert.True(filter.Passes(Box(0, 0, 20, 20), 80, 80));      // the fraction follows the frame: 320 px there
    }

    [Fact]
    public void RatioLimitsAreWidthOverHeight()
    {
        var filter = Filter(new CameraOptions { MinRatio = 0.5, MaxRatio = 2 });
        Assert.False(filter.Passes(Box(0, 0, 10, 40), 100, 100)); // 0.25: a pole
        Assert.False(filter.Passes(Box(0, 0, 40, 10), 100, 100)); // 4: a kerb
        Assert.True(filter.Passes(Box(0, 0, 20, 20), 100, 100));
        Assert.True(filter.Passes(Box(0, 0, 20, 40), 100, 100));  // 0.5 itself passes
    }

    [Fact]
    public void ALabelsLimitsReplaceTheCamerasForThatLabelOnly()
    {
        var filter = Filter(new CameraOptions
        {
            MinArea = 500,
            Labels = { ["circle"] = new ObjectFilterOptions { MinArea = 100, MaxRatio = 1.5 } },
        });
        var small = Box(0, 0, 20, 20); // 400 px
        Assert.False(filter.Passes(small, 100, 100));
        Assert.True(filter.Passes(small with { ClassIndex = 1 }, 100, 100));
        Assert.False(filter.Passes(Box(0, 0, 40, 20, cls: 1), 100, 100)); // ratio 2 > the circle's 1.5
        Assert.True(filter.Passes(Box(0, 0, 40, 20), 100, 100));          // the square has no ratio limit
    }

    [Fact]
    public void ClassesLeftOutAreDroppedAndLeaveTheDetectorThreshold()
    {
        var filter = Filter(new CameraOptions { Classes = ["circle"] });
        Assert.Null(filter.For(0));
        Assert.False(filter.Passes(Box(0, 0, 20, 20), 100, 100));
        Assert.True(filter.Passes(Box(0, 0, 20, 20, cls: 1), 100, 100));
        Assert.False(filter.Passes(Box(0, 0, 20, 20, cls: 7), 100, 100)); // not a class of the model
        Assert.Equal(0.3f, filter.LowestMinScore);
        Assert.Equal("circle 0.6", filter.DescribeThresholds());
    }

    [Fact]
    public void AnObjectMaskHidesDetectionsStandingInIt()
    {
        // The top-right quarter, and a strip along the bottom.
        var filter = Filter(new CameraOptions
        {
            ObjectMasks = [[[0.5, 0], [1, 0], [1, 0.5], [0.5, 0.5]], [[0, 0.9], [1, 0.9], [1, 1], [0, 1]]],
        });
        Assert.False(filter.Passes(Box(60, 10, 80, 40), 100, 100)); // foot (70, 40) in the quarter
        Assert.True(filter.Passes(Box(60, 30, 80, 60), 100, 100));  // overlaps it, but stands below it
        Assert.True(filter.Passes(Box(10, 10, 30, 40), 100, 100));
        Assert.False(filter.Passes(Box(10, 80, 30, 100), 100, 100)); // cut off by the frame's bottom, in the strip
    }

    [Fact]
    public void LabelsAndClassesThatTheModelDoesNotKnowAreOneConfigurationError()
    {
        var e = Assert.Throws<ConfigurationException>(() => Filter(new CameraOptions
        {
            Classes = ["square", "triangle"],
            Labels = { ["persn"] = new ObjectFilterOptions { MinArea = 100 } },
        }));
        Assert.Equal("""
            invalid configuration:
              Detect:Cameras:0:Classes:1: 'triangle' is not a class of the model (known: square, circle).
              Detect:Cameras:0:Labels:persn: 'persn' is not a class of the model (known: square, circle).
            """.ReplaceLineEndings("\n").TrimEnd(), e.Message);
    }

    static (float Confidence, float MinScore, float Threshold) Scores(ClassFilter f) => (f.Confidence, f.MinScore, f.Threshold);
}
