using System.Globalization;
using ParNetDetect.Data;

namespace ParNetDetect.Cli.Tests;

/// <summary>
/// A small generated dataset per test (seeded, so always the same images): train/ and val/ of 64-pixel images with
/// COCO instances.json, in a temporary folder removed afterwards. The bundled demo model detects its shapes.
/// </summary>
public sealed class SynthData : IDisposable
{
    public SynthData(int trainImages = 4, int valImages = 2)
    {
        Root = Directory.CreateTempSubdirectory("detect-cli-").FullName;
        Data = System.IO.Path.Combine(Root, "shapes");
        SyntheticDatasetWriter.Write(Data, new SyntheticDatasetOptions
        {
            TrainImages = trainImages, ValImages = valImages, ImageSize = 64, Seed = 7, MinObjects = 1, MaxObjects = 2,
        });
    }

    /// <summary>The temporary folder; the dataset is its shapes/ folder.</summary>
    public string Root { get; }
    public string Data { get; }
    public string ValTruth => Path("shapes/val/instances.json");
    public string ValImage(int i) => Path($"shapes/val/images/{i:D6}.jpg");
    public string TrainImage(int i) => Path($"shapes/train/images/{i:D6}.jpg");

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The train split again in the YOLO layout (yolo/data.yaml, images/, labels/); returns the data.yaml.</summary>
    public string WriteYolo()
    {
        var train = DetectionDatasets.Open(Data, "train");
        Directory.CreateDirectory(Path("yolo/images"));
        Directory.CreateDirectory(Path("yolo/labels"));
        for (int i = 0; i < train.Count; i++)
        {
            var r = train[i];
            string name = System.IO.Path.GetFileNameWithoutExtension(r.FilePath);
            File.Copy(r.FilePath, Path($"yolo/images/{name}.jpg"));
            File.WriteAllLines(Path($"yolo/labels/{name}.txt"), r.Annotations.Select(a => string.Create(CultureInfo.InvariantCulture,
                $"{a.ClassIndex} {(a.Box.X + a.Box.Width / 2) / r.Width} {(a.Box.Y + a.Box.Height / 2) / r.Height} {a.Box.Width / r.Width} {a.Box.Height / r.Height}")));
        }
        File.WriteAllText(Path("yolo/data.yaml"), $"train: images\nval: images\nnames: [{string.Join(", ", train.ClassNames)}]\n");
        return Path("yolo/data.yaml");
    }

    /// <summary>Cuts an image after its header: the size still reads, decoding fails.</summary>
    public static void Corrupt(string image) => File.WriteAllBytes(image, File.ReadAllBytes(image)[..300]);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
