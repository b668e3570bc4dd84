using System.Text.Json.Nodes;

namespace ParNetDetect.Data.Tests;

/// <summary>The one collector of data problems: counted once each, summed up in one line, strict on request.</summary>
public class DatasetIssuesTests
{
    [Fact]
    public void AProblemMetAgainIsCountedOnce()
    {
        var issues = new DatasetIssues();
        issues.Add(DatasetIssues.CorruptImage, "a.jpg");   // epoch 1
        issues.Add(DatasetIssues.CorruptImage, "a.jpg");   // epoch 2
        var other = new DatasetIssues();
        other.Add(DatasetIssues.CorruptImage, "a.jpg");
        other.Add(DatasetIssues.MalformedLabelLine, "a.txt:2");
        issues.AddFrom(other);
        Assert.Equal(1, issues.Count(DatasetIssues.CorruptImage));
        Assert.Equal(2, issues.Total);
    }

    [Fact]
    public void TheHeadlineIsOneLineNamingTheFirstPlacesAndCountingTheRest()
    {
        var issues = new DatasetIssues();
        for (int i = 1; i <= 5; i++) issues.Add(DatasetIssues.MalformedLabelLine, $"labels/a.txt:{i}");
        issues.Add(DatasetIssues.CorruptImage, "images/b.jpg");
        string line = issues.Headline();
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("6 problems skipped or repaired: ", line);
        Assert.Contains("5x malformed label line (skipped): labels/a.txt:1, labels/a.txt:2, labels/a.txt:3 and 2 more", line);
        Assert.Contains("1x unreadable or corrupt image: images/b.jpg", line);

        var json = issues.ToJson();
        Assert.Equal(6, (int)json["total"]!);
        var first = json["kinds"]![0]!;
        Assert.Equal(DatasetIssues.MalformedLabelLine, (string)first["kind"]!);
        Assert.Equal(5, (int)first["count"]!);
        Assert.Equal(["labels/a.txt:1", "labels/a.txt:2", "labels/a.txt:3"], first["examples"]!.AsArray().Select(e => (string)e!));
    }

    [Fact]
    public void StrictFailsAtTheFirstProblemNamingIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => new DatasetIssues(strict: true).Add(DatasetIssues.MalformedLabelLine, "labels/a.txt:4"));
        Assert.StartsWith("labels/a.txt:4: malformed label line (--strict", e.Message);

        var found = new DatasetIssues();
        found.ThrowIfAny();
        found.Add(DatasetIssues.MissingImage, "images/c.jpg");
        found.Add(DatasetIssues.BoxClipped, "instances.json annotation id 7");
        e = Assert.Throws<InvalidDataException>(found.ThrowIfAny);
        Assert.StartsWith("images/c.jpg: missing image file", e.Message);
        Assert.Contains("1 more problem", e.Message);
    }
}
