namespace ParNetDetect.Data.Tests;

static class TestPaths
{
    public static string Coco8 => Path.Combine(AppContext.BaseDirectory, "TestData", "coco8");
    public static string Coco8Json => Path.Combine(Coco8, "annotations", "instances_train2017.json");
    public static string Coco8Yaml => Path.Combine(Coco8, "data.yaml");
}

/// <summary>A temporary folder removed after the test.</summary>
sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("parnet-data-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
