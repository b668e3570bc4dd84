namespace ParNetDetect.Training;

/// <summary>
/// A training setting is unknown or out of range: the user's command line is wrong, not the data. The message names
/// the setting as `detect train` spells it (--img) in plain words; commands report it as a usage error (exit 2).
/// </summary>
public sealed class InvalidOptionException(string message) : Exception(message);
