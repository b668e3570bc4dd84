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
    public void A_new_file_is_accepted_with_or_without_force()
    {
        new OutputGuard(false, []).File(Path.Combine(_dir, "new", "out.json"), "--json");
        new OutputGuard(true, []).File(Path.Combine(_dir, "out.json"), "--json");
    }

    [Fact]
    public void An_existing_file_needs_force_and_the_message_names_file_option_and_flag()
    {
        string existing = Write("metrics.json");
        var e = Assert.Throws<OutputRefusedException>(() => new OutputGuard(false, []).File(existing, "--json"));
        Assert.Contains(existing, e.Message);
        Assert.Contains("--json", e.Message);
        Assert.Contains("--force", e.Message);
        new OutputGuard(true, []).File(existing, "--json");
    }

    [Fact]
    public void An_input_is_never_an_output_not_even_with_force()
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
    public void Another_spelling_of_an_input_is_the_same_file()
    {
        string truth = Write("val/instances.json");
        string other = Path.Combine(_dir, "val", "..", "val", ".", "instances.json");
        Assert.Throws<OutputRefusedException>(() => new OutputGuard(true, [truth]).File(other, "--save-json"));
    }

    [Fact]
    public void Links_to_an_input_or_to_its_folder_are_followed()
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
    public void A_link_loop_is_an_error_not_a_hang()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        Assert.Throws<IOException>(() => new PathResolver().Resolve(a));
    }

    [Fact]
    public void Two_outputs_of_one_command_cannot_be_the_same_file()
    {
        var guard = new OutputGuard(true, []);
        string path = Path.Combine(_dir, "out.json");
        guard.File(path, "--save-json");
        var e = Assert.Throws<OutputRefusedException>(() => guard.File(path, "--json"));
        Assert.Contains("--save-json", e.Message);
    }

    [Fact]
    public void Inputs_are_only_listed_when_an_output_exists()
    {
        int listed = 0;
        IEnumerable<string> Inputs() { listed++; yield return Path.Combine(_dir, "input.jpg"); }
        new OutputGuard(false, Inputs()).File(Path.Combine(_dir, "new.json"), "--json");
        Assert.Equal(0, listed);
    }

    [Fact]
    public void A_folder_that_holds_anything_needs_force()
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
