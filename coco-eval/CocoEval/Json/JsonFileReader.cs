using System.Text.Json;

namespace CocoEval.Json;

/// <summary>
/// A pull reader over a JSON file that never holds more than a window of it: <see cref="Utf8JsonReader"/> over a
/// refilled buffer, carrying its state across refills, so a 450 MB COCO file is read in one pass with memory bounded
/// by the largest single token. Errors name the file, the line and the byte offset (the line is counted only when an
/// error is reported); malformed JSON is a <see cref="CocoDataException"/> around the reader's
/// <see cref="JsonException"/>. The one streaming JSON reader: COCO evaluation and Data's COCO datasets read with it.
/// </summary>
public ref struct JsonFileReader
{
    private const int InitialBufferSize = 1 << 20;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _length;
    private bool _isFinalBlock;
    private long _bufferStart;      // file offset of _buffer[0]
    private Utf8JsonReader _reader;

    public JsonFileReader(Stream stream, string path)
    {
        _stream = stream;
        Path = path;
        Fill();
        SkipByteOrderMark();
        _reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _isFinalBlock, default);
    }

    public string Path { get; }

    public readonly JsonTokenType TokenType => _reader.TokenType;

    /// <summary>Next token; false only at the end of the file.</summary>
    public bool Read()
    {
        while (true)
        {
            try
            {
                if (_reader.Read())
                    return true;
            }
            catch (JsonException e)
            {
                throw Malformed(e);
            }
            if (_isFinalBlock)
                return false;
            Refill();
        }
    }

    /// <summary>Reads the next token, which must exist.</summary>
    public void ReadRequired(string what)
    {
        if (!Read())
            throw Error($"the file ends inside {what}");
    }

    /// <summary>Reads a token and requires it to be <paramref name="type"/>.</summary>
    public void Expect(JsonTokenType type, string what)
    {
        ReadRequired(what);
        if (TokenType != type)
            throw Error($"{what}: expected {Describe(type)}, found {Describe(TokenType)}");
    }

    /// <summary>Inside an object: moves to the next property name, or returns false at the object's end.</summary>
    public bool NextProperty(string what)
    {
        ReadRequired(what);
        if (TokenType == JsonTokenType.EndObject)
            return false;
        if (TokenType != JsonTokenType.PropertyName)
            throw Error($"{what}: expected a property, found {Describe(TokenType)}");
        return true;
    }

    /// <summary>Inside an array: moves to the next element, or returns false at the array's end.</summary>
    public bool NextElement(string what)
    {
        ReadRequired(what);
        return TokenType != JsonTokenType.EndArray;
    }

    public readonly bool IsProperty(ReadOnlySpan<byte> name) => _reader.ValueTextEquals(name);

    public readonly string PropertyName() => _reader.GetString() ?? "";

    // The value the reader stands on, unchecked (the caller has looked at TokenType), for readers that decide
    // themselves what a wrong type means.
    public readonly string? StringValue() => _reader.GetString();
    public readonly double DoubleValue() => _reader.GetDouble();
    /// <summary>The number as an integer; one written with a fraction (640.0) is truncated.</summary>
    public readonly long Int64Value() => _reader.TryGetInt64(out long value) ? value : checked((long)_reader.GetDouble());

    public long ReadInt64(string field)
    {
        ReadRequired(field);
        if (TokenType != JsonTokenType.Number || !_reader.TryGetInt64(out long value))
            throw Error($"'{field}' must be an integer, found {Describe(TokenType)}");
        return value;
    }

    public double ReadDouble(string field)
    {
        ReadRequired(field);
        return CurrentDouble(field);
    }

    /// <summary>A number, or true/false read as 1/0 (<c>iscrowd</c> is written both ways).</summary>
    public double ReadNumberOrBool(string field)
    {
        ReadRequired(field);
        return TokenType switch
        {
            JsonTokenType.True => 1,
            JsonTokenType.False => 0,
            _ => CurrentDouble(field),
        };
    }

    public string? ReadString(string field)
    {
        ReadRequired(field);
        return TokenType switch
        {
            JsonTokenType.String => _reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw Error($"'{field}' must be a string, found {Describe(TokenType)}"),
        };
    }

    /// <summary>A COCO box: an array of four numbers [x, y, width, height].</summary>
    public CocoBox ReadBox(string field)
    {
        Expect(JsonTokenType.StartArray, field);
        Span<double> v = stackalloc double[4];
        int n = 0;
        while (NextElement(field))
        {
            if (n == 4)
                throw Error($"'{field}' must hold 4 numbers [x, y, width, height], found more");
            v[n++] = CurrentDouble(field);
        }
        if (n != 4)
            throw Error($"'{field}' must hold 4 numbers [x, y, width, height], found {n}");
        return new CocoBox(v[0], v[1], v[2], v[3]);
    }

    /// <summary>Skips the value of the property the reader stands on, however deeply nested.</summary>
    public void SkipValue(string what)
    {
        ReadRequired(what);
        SkipCurrent(what);
    }

    /// <summary>Skips the value the reader stands on: to the end of an object or array, nothing for a scalar.</summary>
    public void SkipCurrent(string what)
    {
        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            return;
        int depth = _reader.CurrentDepth;
        do
            ReadRequired(what);
        while (!(TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && _reader.CurrentDepth == depth));
    }

    /// <summary>File offset of the token the reader stands on; cheap, for naming a position later.</summary>
    public readonly long Position => _bufferStart + Math.Min(_reader.TokenStartIndex, _length);

    /// <summary>An error at the token the reader stands on.</summary>
    public readonly CocoDataException Error(string message) => ErrorAt(Position, message);

    /// <summary>An error at file offset <paramref name="position"/>, named as "file, line L (byte B)".</summary>
    public readonly CocoDataException ErrorAt(long position, string message) =>
        new($"{Path}, line {LineOf(position)} (byte offset {position}): {message}");

    /// <summary>The 1-based line of a file offset, counted again from the start: errors only, so no cost otherwise.</summary>
    public readonly long LineOf(long position)
    {
        try
        {
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var chunk = new byte[1 << 16];
            long line = 1, read = 0;
            while (read < position)
            {
                int n = file.Read(chunk, 0, (int)Math.Min(chunk.Length, position - read));
                if (n == 0)
                    break;
                line += chunk.AsSpan(0, n).Count((byte)'\n');
                read += n;
            }
            return line;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private readonly double CurrentDouble(string field)
    {
        if (TokenType != JsonTokenType.Number || !_reader.TryGetDouble(out double value))
            throw Error($"'{field}' must be a number, found {Describe(TokenType)}");
        return value;
    }

    private readonly CocoDataException Malformed(JsonException e)
    {
        // Python's json writes NaN and Infinity as bare words, which are not JSON.
        string hint = e.Message.Contains("'N'") || e.Message.Contains("'I'")
            ? " (NaN and Infinity are not valid JSON numbers; boxes and scores must be finite)"
            : "";
        string reason = e.Message.Split(" LineNumber:")[0].TrimEnd();
        return new CocoDataException(
            $"{Path}, line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: malformed JSON: {reason}{hint}", e);
    }

    private void Refill()
    {
        int consumed = (int)_reader.BytesConsumed;
        var state = _reader.CurrentState;
        _bufferStart += consumed;
        _length -= consumed;
        if (consumed == 0 && _length == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2); // one token longer than the buffer
        else
            Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _length);
        Fill();
        _reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _isFinalBlock, state);
    }

    /// <summary>Files saved by some Windows tools start with a UTF-8 BOM, which Utf8JsonReader does not accept.</summary>
    private void SkipByteOrderMark()
    {
        if (!_buffer.AsSpan(0, _length).StartsWith("\uFEFF"u8))
            return;
        _length -= 3;
        _bufferStart = 3;
        Buffer.BlockCopy(_buffer, 3, _buffer, 0, _length);
    }

    private void Fill()
    {
        while (_length < _buffer.Length)
        {
            int n = _stream.Read(_buffer, _length, _buffer.Length - _length);
            if (n == 0)
            {
                _isFinalBlock = true;
                return;
            }
            _length += n;
        }
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.EndObject => "the end of an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.EndArray => "the end of an array",
        JsonTokenType.PropertyName => "a property name",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
