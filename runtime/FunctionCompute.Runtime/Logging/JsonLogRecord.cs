using System.Buffers;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime.Context;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// Builds one JSON log line with <see cref="Utf8JsonWriter"/> (no reflection, no serializer): the JSON writer escapes
/// every control character, line breaks included, so a record is one physical line by construction. Every string that
/// can carry data (message, template, property and scope keys and values, exception message and frames) is masked with
/// the invocation's secret and token first (<see cref="SecretRedactor"/>). Numbers are written as numbers: none can hold
/// a secret (an access key secret has 30 characters, a decimal at most 29 digits).
/// <para>
/// The line is built in a per-thread buffer and then copied into the writer's shared one (<see cref="FcLogWriter.WriteRecord"/>),
/// not built in the shared buffer under its lock: rendering a value runs its <c>ToString</c>, user code that may be slow
/// or log in turn. A record that logs while it renders gets a buffer of its own (the thread's is taken while in use).
/// </para>
/// </summary>
internal sealed class JsonLogRecord
{
    /// <summary>
    /// Non-ASCII text as it is (a log is read by people; the default encoder would write every CJK character as <c>\uXXXX</c>),
    /// quotes, backslashes and controls escaped. "Unsafe" only for HTML, where a log line is never embedded unencoded.
    /// </summary>
    internal static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private const int KeepBelow = 64 * 1024;
    private const int MaxInnerExceptions = 8;
    private const string OriginalFormat = "{OriginalFormat}";
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder };
    private static readonly JsonEncodedText RuntimeCategory = JsonEncodedText.Encode("FunctionCompute.Runtime", Encoder);

    [ThreadStatic]
    private static JsonLogRecord? _freeOnThisThread;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly List<string> _scopeTexts = [];
    private CloudCredentials? _credentials;
    private bool _scopeOpen;

    private JsonLogRecord() => _json = new Utf8JsonWriter(_buffer, WriterOptions);

    /// <summary>Encodes a category name once, for a logger to hand to every record it writes.</summary>
    internal static JsonEncodedText EncodeCategory(string category) => JsonEncodedText.Encode(category, Encoder);

    /// <summary>A line with a message only (the runtime's own notes, <see cref="FcLogWriter.WriteLog"/>).</summary>
    internal static void WriteMessage(FcLogWriter writer, LogLevel level, string? requestId, string message)
    {
        var record = Rent();
        try
        {
            record.WriteHead(writer.UtcNow, level, requestId, RuntimeCategory, default, message);
            record.Finish(writer);
        }
        finally
        {
            Return(record);
        }
    }

    /// <summary>A line for an <see cref="ILogger"/> call, with its properties, scopes, exception and trace.</summary>
    internal static void Write<TState>(FcLogWriter writer, JsonEncodedText category, LogLevel level, EventId eventId, TState state,
        Exception? exception, Func<TState, Exception?, string> formatter, IExternalScopeProvider? scopes)
    {
        var context = InvocationScope.Current;
        var message = formatter(state, exception);
        var record = Rent();
        try
        {
            record._credentials = context?.Credentials is { IsEmpty: false } credentials ? credentials : null;
            record.WriteHead(writer.UtcNow, level, context?.RequestId, category, eventId, message);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values) record.WriteProperties(values);
            if (exception is not null)
            {
                record._json.WritePropertyName(Names.Exception);
                record.WriteException(exception, 0);
            }
            scopes?.ForEachScope(static (scope, r) => r.AddScope(scope), record);
            record.EndScopes();
            record.WriteTrace();
            record.Finish(writer);
        }
        finally
        {
            Return(record);
        }
    }

    private static JsonLogRecord Rent()
    {
        var record = _freeOnThisThread ?? new JsonLogRecord();
        _freeOnThisThread = null;
        return record;
    }

    private static void Return(JsonLogRecord record)
    {
        record._json.Reset();
        record._buffer.ResetWrittenCount();
        record._scopeTexts.Clear();
        record._credentials = null;
        record._scopeOpen = false;
        // A huge record (a long message) leaves its buffer to the collector rather than pinning it to the thread.
        if (record._buffer.Capacity <= KeepBelow) _freeOnThisThread = record;
    }

    private void Finish(FcLogWriter writer)
    {
        _json.WriteEndObject();
        _json.Flush();
        writer.WriteRecord(_buffer.WrittenSpan);
    }

    private string Mask(string text) => _credentials is null ? text : SecretRedactor.Redact(text, _credentials);

    private void WriteHead(DateTime utc, LogLevel level, string? requestId, JsonEncodedText category, EventId eventId, string message)
    {
        _json.WriteStartObject();
        Span<byte> time = stackalloc byte[32];
        utc.TryFormat(time, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _json.WriteString(Names.Time, time[..length]);
        _json.WriteString(Names.Level, Names.LevelWord(level));
        if (requestId is not null) _json.WriteString(Names.RequestId, requestId);
        _json.WriteString(Names.Category, category);
        if (eventId.Id != 0) _json.WriteNumber(Names.EventId, eventId.Id);
        if (eventId.Name is { } eventName) _json.WriteString(Names.EventName, eventName);
        _json.WriteString(Names.Message, Mask(message));
    }

    /// <summary>
    /// The template's named values as a <c>properties</c> object, and the template itself as <c>messageTemplate</c>
    /// when it has any (without named values it is the message again). Nested, not at the top level: a value named
    /// <c>message</c> or <c>level</c> cannot shadow the record's own fields, and a log store indexes the object as one.
    /// </summary>
    private void WriteProperties(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        string? template = null;
        var named = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Key == OriginalFormat) template = values[i].Value as string;
            else named++;
        }
        if (named == 0) return;
        if (template is not null) _json.WriteString(Names.MessageTemplate, Mask(template));
        _json.WriteStartObject(Names.Properties);
        for (var i = 0; i < values.Count; i++)
        {
            var (key, value) = values[i];
            if (key == OriginalFormat) continue;
            _json.WritePropertyName(Mask(key));
            WriteValue(value, nested: false);
        }
        _json.WriteEndObject();
    }

    /// <summary>
    /// One active scope, outermost first: its named values go into the <c>scope</c> object (an inner scope's value
    /// comes later than an outer one of the same name), and a scope without named values (<c>BeginScope("text")</c>)
    /// into the <c>scopeText</c> list, as its text.
    /// </summary>
    private void AddScope(object? scope)
    {
        if (scope is null) return;
        var named = false;
        if (scope is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                if (key == OriginalFormat) continue;
                if (!_scopeOpen)
                {
                    _json.WriteStartObject(Names.Scope);
                    _scopeOpen = true;
                }
                _json.WritePropertyName(Mask(key));
                WriteValue(value, nested: false);
                named = true;
            }
        }
        if (!named && scope.ToString() is { Length: > 0 } text) _scopeTexts.Add(Mask(text));
    }

    private void EndScopes()
    {
        if (_scopeOpen) _json.WriteEndObject();
        if (_scopeTexts.Count == 0) return;
        _json.WriteStartArray(Names.ScopeText);
        foreach (var text in _scopeTexts) _json.WriteStringValue(text);
        _json.WriteEndArray();
    }

    /// <summary>A value as the JSON type closest to it; a list (one level deep) as an array; anything else as its invariant text.</summary>
    private void WriteValue(object? value, bool nested)
    {
        switch (value)
        {
            case null: _json.WriteNullValue(); break;
            case string text: _json.WriteStringValue(Mask(text)); break;
            case bool flag: _json.WriteBooleanValue(flag); break;
            case int number: _json.WriteNumberValue(number); break;
            case long number: _json.WriteNumberValue(number); break;
            case short number: _json.WriteNumberValue(number); break;
            case byte number: _json.WriteNumberValue(number); break;
            case sbyte number: _json.WriteNumberValue(number); break;
            case ushort number: _json.WriteNumberValue(number); break;
            case uint number: _json.WriteNumberValue(number); break;
            case ulong number: _json.WriteNumberValue(number); break;
            case decimal number: _json.WriteNumberValue(number); break;
            // JSON has no NaN or infinity: those fall through to their text.
            case double number when double.IsFinite(number): _json.WriteNumberValue(number); break;
            case float number when float.IsFinite(number): _json.WriteNumberValue(number); break;
            case DateTime time: _json.WriteStringValue(time); break;
            case DateTimeOffset time: _json.WriteStringValue(time); break;
            case Guid id: _json.WriteStringValue(id); break;
            case IEnumerable items when !nested:
                _json.WriteStartArray();
                foreach (var item in items) WriteValue(item, nested: true);
                _json.WriteEndArray();
                break;
            case IFormattable formattable: _json.WriteStringValue(Mask(formattable.ToString(null, CultureInfo.InvariantCulture))); break;
            default: _json.WriteStringValue(Mask(value.ToString() ?? "")); break;
        }
    }

    /// <summary>Type, message and frames (one string each) of an exception and of its inner ones.</summary>
    private void WriteException(Exception exception, int depth)
    {
        _json.WriteStartObject();
        _json.WriteString(Names.Type, exception.GetType().FullName);
        _json.WriteString(Names.Message, Mask(exception.Message));
        if (exception.StackTrace is { } trace)
        {
            _json.WriteStartArray(Names.StackTrace);
            foreach (var line in Mask(trace).AsSpan().EnumerateLines())
            {
                var frame = line.Trim();
                if (!frame.IsEmpty) _json.WriteStringValue(frame);
            }
            _json.WriteEndArray();
        }
        if (exception.InnerException is { } inner && depth < MaxInnerExceptions)
        {
            _json.WritePropertyName(Names.Inner);
            WriteException(inner, depth + 1);
        }
        _json.WriteEndObject();
    }

    /// <summary>The current W3C trace's ids, written from the ids' own bytes (no string per line).</summary>
    private void WriteTrace()
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } activity) return;
        Span<byte> bytes = stackalloc byte[16];
        Span<char> hex = stackalloc char[32];
        activity.TraceId.CopyTo(bytes);
        Convert.TryToHexStringLower(bytes, hex, out _);
        _json.WriteString(Names.TraceId, hex);
        activity.SpanId.CopyTo(bytes[..8]);
        Convert.TryToHexStringLower(bytes[..8], hex, out _);
        _json.WriteString(Names.SpanId, hex[..16]);
    }

    /// <summary>The field names, encoded once.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
        public static readonly JsonEncodedText Level = JsonEncodedText.Encode("level");
        public static readonly JsonEncodedText RequestId = JsonEncodedText.Encode("requestId");
        public static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
        public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("eventId");
        public static readonly JsonEncodedText EventName = JsonEncodedText.Encode("eventName");
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
        public static readonly JsonEncodedText MessageTemplate = JsonEncodedText.Encode("messageTemplate");
        public static readonly JsonEncodedText Properties = JsonEncodedText.Encode("properties");
        public static readonly JsonEncodedText Scope = JsonEncodedText.Encode("scope");
        public static readonly JsonEncodedText ScopeText = JsonEncodedText.Encode("scopeText");
        public static readonly JsonEncodedText Exception = JsonEncodedText.Encode("exception");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText StackTrace = JsonEncodedText.Encode("stackTrace");
        public static readonly JsonEncodedText Inner = JsonEncodedText.Encode("inner");
        public static readonly JsonEncodedText TraceId = JsonEncodedText.Encode("traceId");
        public static readonly JsonEncodedText SpanId = JsonEncodedText.Encode("spanId");

        private static readonly JsonEncodedText[] Levels = [.. Enum.GetValues<LogLevel>().Select(l => JsonEncodedText.Encode(FcLogWriter.LevelName(l)))];

        /// <summary>FC's own level words (<see cref="FcLogWriter.LevelName"/>), the same as the text format's.</summary>
        public static JsonEncodedText LevelWord(LogLevel level) => (uint)level < (uint)Levels.Length ? Levels[(int)level] : Levels[(int)LogLevel.Information];
    }
}
