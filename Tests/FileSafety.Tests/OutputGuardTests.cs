namespace ParNetDetect.FileSafety.Tests;

/// <summary>The overwrite rule: existing outputs only with --force, inputs never, whatever the spelling or link.</summary>
public sealed class OutputGuardTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("output-guard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, string text = "mine")
    {
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ANewFileIsAcceptedWithOrWithoutForce()
    {
        new OutputGuard(false, []).File(Path.Combine(_dir, "new", "out.json"), "--json");
        new OutputGuard(true, []).File(Path.Combine(_dir, "out.json"), "--json");
    }

    [Fact]
    public void AnExistingFileNeedsForceAndTheMessageNamesFileOptionAndFlag()
    {
        string existing = Write("metrics.json");
        var e = Assert.Throws<OutputRefusedException>(() => new OutputGuard(false, []).File(existing, "--json"));
        Assert.Contains(existing, e.Message);
        Assert.Contains("--json", e.Message);
        Assert.Contains("--force", e.Message);
        new OutputGuard(true, []).File(existing, "--json");
    }

    [Fact]
    public void AnInputIsNeverAnOutputNotEvenWithForce()
    {
        string truth = Write("val/instances.json");
        foreach (bool force in new[] { false, true })
        {
            var e = Assert.Throws<OutputRefusedException>(() => new OutputGuard(force, [truth]).File(truth, "--save-json"));
            Assert.Contains("an input", e.Message);
            Assert.Contains(truth, e.Message);
        }
    }

    [Fact]
    public void AnotherSpellingOfAnInputIsTheSameFile()
    {
        string truth = Write("val/instances.json");
        string other = Path.Combine(_dir, "val", "..", "val", ".", "instances.json");
        Assert.Throws<OutputRefusedException>(() => new OutputGuard(true, [truth]).File(other, "--save-json"));
    }

    [Fact]
    public void LinksToAnInputOrToItsFolderAreFollowed()
    {
        string truth = Write("data/val/instances.json");
        string fileLink = Path.Combine(_dir, "truth.json");
        File.CreateSymbolicLink(fileLink, truth);
        string folderLink = Path.Combine(_dir, "dataset");
        Directory.CreateSymbolicLink(folderLink, Path.Combine(_dir, "data"));
        string viaFolder = Path.Combine(folderLink, "val", "instances.json");

        // The output is a link to the input, or the input was named through a link: the same file either way.
        var e = Assert.Throws<OutputRefusedException>(() => new OutputGuard(true, [truth]).File(fileLink, "--json"));
        Assert.Contains(truth, e.Message);
        Assert.Throws<OutputRefusedException>(() => new OutputGuard(true, [truth]).File(viaFolder, "--json"));
        Assert.Throws<OutputRefusedException>(() => new OutputGuard(true, [viaFolder]).File(truth, "--json"));
        Assert.Throws<OutputRefusedException>(() => new OutputGuard(true, [fileLink]).File(viaFolder, "--json"));
    }

    [Fact]
    public void ALinkLoopIsAnErrorNotAHang()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        Assert.Throws<IOException>(() => new PathResolver().Resolve(a));
    }

    [Fact]
    public void TwoOutputsOfOneCommandCannotBeTheSameFile()
    {
        var guard = new OutputGuard(true, []);
        string path = Path.Combine(_dir, "out.json");
        guard.File(path, "--save-json");
        var e = Assert.Throws<OutputRefusedException>(() => guard.File(path, "--json"));
        Assert.Contains("--save-json", e.Message);
    }

    [Fact]
    public void InputsAreOnlyListedWhenAnOutputExists()
    {
        int listed = 0;
        IEnumerable<string> Inputs() { listed++; yield return Path.Combine(_dir, "input.jpg"); }
        new OutputGuard(false, Inputs()).File(Path.Combine(_dir, "new.json"), "--json");
        Assert.Equal(0, listed);
    }

    [Fact]
    public void AFolderThatHoldsAnythingNeedsForce()
    {
        string empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        new OutputGuard(false, []).Folder(empty, "--out");
        new OutputGuard(false, []).Folder(Path.Combine(_dir, "missing"), "--out");
        Write("full/a.jpg");
        string full = Path.Combine(_dir, "full");
        var e = Assert.Throws<OutputRefusedException>(() => new OutputGuard(false, []).Folder(full, "--out"));
        Assert.Contains("--force", e.Message);
        new OutputGuard(true, []).Folder(full, "--out");
    }
}
