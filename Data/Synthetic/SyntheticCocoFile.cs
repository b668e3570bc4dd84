using System.Text.Json;

namespace ParNetDetect.Data;

/// <summary>One image of a synthetic COCO file, a still or a video frame, with its objects.</summary>
public sealed record SyntheticImage(int Id, string FileName, int Width, int Height, IReadOnlyList<SceneObject> Objects);

/// <summary>
/// The ground truth of synthetic scenes as a COCO instances file: category ids 1..6 in <see cref="ShapeKind"/>
/// order (so the id/index mapping is exercised), boxes rounded to 0.01 px. A video's file also gives each
/// annotation the shape's <c>track_id</c> (the same object in every frame), which COCO readers ignore.
/// </summary>
public static class SyntheticCocoFile
{
    public static void Write(string path, string description, IReadOnlyList<SyntheticImage> images, bool trackIds)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteStartObject("info");
        json.WriteString("description", description);
        json.WriteEndObject();
        json.WriteStartArray("images");
        foreach (var image in images)
        {
            json.WriteStartObject();
            json.WriteNumber("id", image.Id);
            json.WriteString("file_name", image.FileName);
            json.WriteNumber("width", image.Width);
            json.WriteNumber("height", image.Height);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("annotations");
        int annotationId = 0;
        foreach (var image in images)
        {
            foreach (var o in image.Objects)
            {
                json.WriteStartObject();
                json.WriteNumber("id", ++annotationId);
                json.WriteNumber("image_id", image.Id);
                json.WriteNumber("category_id", (int)o.Kind + 1);
                json.WriteStartArray("bbox");
                foreach (float v in new[] { o.Box.X, o.Box.Y, o.Box.Width, o.Box.Height }) json.WriteNumberValue(Math.Round(v, 2));
                json.WriteEndArray();
                json.WriteNumber("area", Math.Round(o.Box.Area, 2));
                json.WriteNumber("iscrowd", 0);
                if (trackIds) json.WriteNumber("track_id", o.Id + 1);
                json.WriteEndObject();
            }
        }
        json.WriteEndArray();
        json.WriteStartArray("categories");
        for (int c = 0; c < ShapeGeometry.ClassNames.Count; c++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", c + 1);
            json.WriteString("name", ShapeGeometry.ClassNames[c]);
            json.WriteString("supercategory", "shape");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
