using CocoEval;
using ParNetDetect.Data;

namespace ParNetDetect.Evaluation;

/// <summary>A dataset's images, categories and boxes (crowd regions included) as coco-eval's ground truth, with the
/// dataset's own image and category ids, so results files match the dataset's annotation file.</summary>
public static class GroundTruthAdapter
{
    public static CocoGroundTruth From(IDetectionDataset dataset)
    {
        var images = new List<CocoImage>(dataset.Count);
        var annotations = new List<CocoAnnotation>();
        for (int i = 0; i < dataset.Count; i++)
        {
            var image = dataset[i];
            images.Add(new CocoImage(image.Id, Path.GetFileName(image.FilePath), image.Width, image.Height));
            foreach (var a in image.Annotations)
                annotations.Add(new CocoAnnotation(a.Id, image.Id, dataset.Categories.ToCategoryId(a.ClassIndex),
                    new CocoBox(a.Box.X, a.Box.Y, a.Box.Width, a.Box.Height), a.Area, a.IsCrowd));
        }
        var categories = Enumerable.Range(0, dataset.Categories.Count)
            .Select(k => new CocoCategory(dataset.Categories.ToCategoryId(k), dataset.Categories.Names[k])).ToList();
        return new CocoGroundTruth(images, categories, annotations);
    }
}
