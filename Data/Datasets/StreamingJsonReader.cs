using System.Text.Json;

namespace ParNetDetect.Data;

/// <summary>
/// <see cref="Utf8JsonReader"/> over a stream, refilling a buffer as tokens are consumed, so a 450 MB COCO file
/// is parsed in one pass with memory bounded by the largest single token (the buffer grows only for that).
/// </summary>
internal ref struct StreamingJsonReader
{
    readonly Stream _stream;
    byte[] _buffer;
    int _length;
    bool _final;
    long _bufferOffset; // file offset of _buffer[0]
    Utf8JsonReader _reader;

    public StreamingJsonReader(Stream stream, int bufferSize = 1 << 20)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
        FillFrom(0);
        if (_length >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            // Utf8JsonReader rejects a UTF-8 byte order mark; editors on Windows write one.
            Buffer.BlockCopy(_buffer, 3, _buffer, 0, _length - 3);
            _bufferOffset = 3;
            FillFrom(_length - 3);
        }
        _reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _final, default);
    }

    public readonly JsonTokenType TokenType => _reader.TokenType;

    /// <summary>File offset of the current token (for error messages).</summary>
    public readonly long Position => _bufferOffset + _reader.TokenStartIndex;

    public bool Read()
    {
        while (!_reader.Read())
        {
            if (_final) return false;
            Refill();
        }
        return true;
    }

    /// <summary>Skips the current value (or the value of the current property name), reading on as needed.</summary>
    public void Skip()
    {
        while (!_reader.TrySkip()) Refill();
    }

    public readonly string? GetString() => _reader.GetString();
    public readonly double GetDouble() => _reader.GetDouble();
    public readonly long GetInt64() => _reader.TryGetInt64(out long v) ? v : checked((long)_reader.GetDouble());
    public readonly bool ValueTextEquals(ReadOnlySpan<byte> utf8) => _reader.ValueTextEquals(utf8);

    void Refill()
    {
        int consumed = (int)_reader.BytesConsumed;
        int remaining = _length - consumed;
        if (consumed == 0)
            Array.Resize(ref _buffer, _buffer.Length * 2); // one token larger than the buffer
        else if (remaining > 0)
            Buffer.BlockCopy(_buffer, consumed, _buffer, 0, remaining);
        _bufferOffset += consumed;
        FillFrom(remaining);
        _reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _final, _reader.CurrentState);
    }

    void FillFrom(int length)
    {
        _length = length;
        while (_length < _buffer.Length && !_final)
        {
            int n = _stream.Read(_buffer, _length, _buffer.Length - _length);
            if (n == 0) _final = true;
            _length += n;
        }
    }
}
