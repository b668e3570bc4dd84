using ParNetDetect.Imaging.Video;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace ParNetDetect.Service.Hosting;

/// <summary>
/// Hands every log event on with <see cref="CredentialMask"/> applied to its message template, property values and
/// exception, so no log output (console, journal, file) carries a credential, whichever component wrote the event
/// or quoted a camera URL in it. Not disposable: Serilog then disposes the wrapped sink itself.
/// </summary>
sealed class CredentialMaskingSink(ILogEventSink inner) : ILogEventSink
{
    static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent e) => inner.Emit(new LogEvent(e.Timestamp, e.Level,
        e.Exception == null ? null : new MaskedException(e.Exception), Mask(e.MessageTemplate),
        e.Properties.Select(p => new LogEventProperty(p.Key, Mask(p.Value))), e.TraceId ?? default, e.SpanId ?? default));

    static MessageTemplate Mask(MessageTemplate template)
    {
        string masked = CredentialMask.Apply(template.Text);
        return masked == template.Text ? template : Parser.Parse(masked);
    }

    static LogEventPropertyValue Mask(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } => new ScalarValue(CredentialMask.Apply(s)),
        ScalarValue { Value: Uri u } => new ScalarValue(CredentialMask.Apply(u.OriginalString)),
        SequenceValue s => new SequenceValue(s.Elements.Select(Mask)),
        StructureValue s => new StructureValue(s.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value))), s.TypeTag),
        DictionaryValue d => new DictionaryValue(d.Elements.Select(kv => KeyValuePair.Create(kv.Key, Mask(kv.Value)))),
        _ => value,
    };

    /// <summary>Shows an exception (message, inner exceptions, stack trace) as it was, minus credentials.</summary>
    sealed class MaskedException(Exception original) : Exception(CredentialMask.Apply(original.Message))
    {
        public override string ToString() => CredentialMask.Apply(original.ToString());
    }
}
