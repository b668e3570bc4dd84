namespace CocoEval;

/// <summary>One entry of the GT <c>categories</c> list.</summary>
public sealed record CocoCategory(long Id, string Name);
