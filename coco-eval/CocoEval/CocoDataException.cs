namespace CocoEval;

/// <summary>
/// Input data that cannot be evaluated: malformed JSON, a missing field, a detection on an image absent from the GT,
/// a negative or non-finite box or score. The message names the file and position when the data came from a file.
/// </summary>
public sealed class CocoDataException : Exception
{
    public CocoDataException(string message) : base(message) { }

    public CocoDataException(string message, Exception inner) : base(message, inner) { }
}
