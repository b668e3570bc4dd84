namespace CocoEval;

/// <summary>One entry of the GT <c>images</c> list; only the id takes part in evaluation.</summary>
public sealed record CocoImage(long Id, string? FileName = null, int Width = 0, int Height = 0);
