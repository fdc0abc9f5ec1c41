using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionCompute.Runtime.Logging;

namespace FunctionCompute.Testing;

/// <summary>
/// One line of the function log, parsed: FC's user-log format (<c>2026-11-23T10:00:00.123Z &lt;request-id&gt; [INFO] message</c>),
/// a JSON line (<c>FC_LOG_FORMAT=json</c>: <c>{"time":...,"level":"INFO","requestId":...,"message":...}</c>, the whole object in
/// <see cref="Json"/>), or a contract marker (<c>FC Invoke Start RequestId: &lt;id&gt;</c>, the same in both formats).
/// </summary>
/// <param name="Raw">The line as written (the runtime's writer escapes line breaks inside a record, a logged exception's too, as <c>\n</c>).</param>
/// <param name="Time">The timestamp of a user-log line.</param>
/// <param name="RequestId">The request id the line carries, if any.</param>
/// <param name="Level">The level word (<c>INFO</c>, <c>ERROR</c>, ...) of a user-log line.</param>
/// <param name="Message">
/// The message of a user-log line, or the whole marker line. For a JSON line with an exception, the message is followed by the
/// exception as the text format shows it (<c>\n</c>, type, message, frames), so a test reads the same in both formats.
/// </param>
public sealed partial record FcLogLine(string Raw, DateTimeOffset? Time, string? RequestId, string? Level, string Message)
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoProperties = new Dictionary<string, JsonElement>();

    /// <summary>The whole object of a JSON line (a copy, independent of the capture); null for a text line or a marker.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>The logger's category of a JSON line (<c>Function</c>, <c>FunctionCompute.Runtime</c>, ...); null for a text line.</summary>
    public string? Category => Field("category")?.GetString();

    /// <summary>The message template of a JSON line that has named values (<c>greeting {Name}</c>).</summary>
    public string? MessageTemplate => Field("messageTemplate")?.GetString();

    /// <summary>The template's named values of a JSON line (<c>properties</c>); empty for a text line.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties => Members(Field("properties"));

    /// <summary>The named values of the scopes a JSON line was logged in (<c>scope</c>); empty for a text line.</summary>
    public IReadOnlyDictionary<string, JsonElement> Scope => Members(Field("scope"));

    /// <summary>The exception of a JSON line (<c>type</c>, <c>message</c>, <c>stackTrace</c>, <c>inner</c>), if it has one.</summary>
    public JsonElement? Exception => Field("exception");

    /// <summary>A field of a JSON line; null for a text line or a missing field.</summary>
    public JsonElement? Field(string name) => Json is { } json && json.TryGetProperty(name, out var value) ? value : null;

    /// <summary>Parses a line; anything unrecognised is kept whole as the message.</summary>
    public static FcLogLine Parse(string raw)
    {
        if (raw.StartsWith('{') && ParseJson(raw) is { } json) return json;
        var user = UserLine().Match(raw);
        if (user.Success)
        {
            var time = DateTimeOffset.Parse(user.Groups["time"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var id = user.Groups["id"].Success ? user.Groups["id"].Value : null;
            return new FcLogLine(raw, time, id, user.Groups["level"].Value, user.Groups["message"].Value);
        }
        var marker = MarkerLine().Match(raw);
        return marker.Success ? new FcLogLine(raw, null, marker.Groups["id"].Value, null, raw) : new FcLogLine(raw, null, null, null, raw);
    }

    /// <inheritdoc />
    public override string ToString() => Raw;

    /// <summary>A JSON record as the runtime writes it (an object with <c>time</c> and <c>level</c>); null for anything else.</summary>
    private static FcLogLine? ParseJson(string raw)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(raw);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("time", out var time) || time.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("level", out var level) || level.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var message = root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "";
        if (root.TryGetProperty("exception", out var exception)) message = LogText.Escape(message + "\n" + ExceptionText(exception));
        var requestId = root.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        return new FcLogLine(raw, DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            requestId, level.GetString(), message)
        { Json = root };
    }

    /// <summary>The exception the way <c>Exception.ToString()</c> shows it: type and message (and inner ones), then the frames.</summary>
    private static string ExceptionText(JsonElement exception)
    {
        var text = new StringBuilder();
        for (var e = exception; e.ValueKind == JsonValueKind.Object; e = e.TryGetProperty("inner", out var inner) ? inner : default)
        {
            if (text.Length > 0) text.Append(" ---> ");
            text.Append(StringOf(e, "type")).Append(": ").Append(StringOf(e, "message"));
        }
        if (exception.TryGetProperty("stackTrace", out var frames) && frames.ValueKind == JsonValueKind.Array)
            foreach (var frame in frames.EnumerateArray()) text.Append("\n   ").Append(frame.GetString());
        return text.ToString();
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyDictionary<string, JsonElement> Members(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } value) return NoProperties;
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        // A later value of the same name wins: an inner scope's over an outer one's.
        foreach (var member in value.EnumerateObject()) members[member.Name] = member.Value;
        return members;
    }

    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z) (?:(?<id>[^\s\[]\S*) )?\[(?<level>[A-Z]+)\] (?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex UserLine();

    [GeneratedRegex(@"^FC \w+ (Start|End) RequestId: (?<id>\S+)$")]
    private static partial Regex MarkerLine();
}

/// <summary>
/// A stream to give the app as <c>FunctionAppOptions.LogOutput</c>: it keeps every line the runtime writes (the contract's
/// markers and every <c>ILogger</c>'s lines, in FC's text format or as JSON lines) for the test to read. Thread safe. The runtime writes its log
/// in batches from a background flusher: <see cref="FcTestApp"/> and <see cref="FcTestServer"/> flush it before they hand
/// back a result; for lines logged by background work, use <see cref="WaitForAsync"/>.
/// </summary>
public sealed class FcLogCapture : Stream
{
    private readonly Lock _gate = new();
    private readonly List<FcLogLine> _lines = [];
    private readonly MemoryStream _pending = new();

    /// <summary>Every line so far, parsed.</summary>
    public IReadOnlyList<FcLogLine> Lines
    {
        get { lock (_gate) return [.. _lines]; }
    }

    /// <summary>The lines of one invocation: its markers and the lines logged with its request id.</summary>
    public IReadOnlyList<FcLogLine> For(string requestId) => [.. Lines.Where(l => l.RequestId == requestId)];

    /// <summary>Everything so far, one line after another.</summary>
    public string Text => string.Join('\n', Lines.Select(l => l.Raw));

    /// <summary>Forgets what was captured.</summary>
    public void Clear()
    {
        lock (_gate) _lines.Clear();
    }

    /// <summary>Waits until a line matches (lines written by background work after an answer, say).</summary>
    /// <exception cref="TimeoutException">No line matched in time; the message shows the log.</exception>
    public async Task<FcLogLine> WaitForAsync(Func<FcLogLine, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line) return line;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No log line matched within the time allowed. The log:\n{Text}");
            await Task.Delay(10);
        }
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _pending.Write(buffer);
            // The runtime writes whole lines (one, or a batch of them), each ending in \n.
            if (buffer.Length > 0 && buffer[^1] == (byte)'\n') TakePending();
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_gate) TakePending();
    }

    private void TakePending()
    {
        if (_pending.Length == 0) return;
        var text = Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);
        _pending.SetLength(0);
        foreach (var raw in text.TrimEnd('\n').Split('\n'))
        {
            var line = FcLogLine.Parse(raw.TrimEnd('\r'));
            // Text written here directly as several lines without a record prefix of its own belongs to the entry before
            // it (the runtime's writer escapes line breaks, so its lines never need this).
            if (line.Time is null && line.RequestId is null && _lines.Count > 0)
            {
                var previous = _lines[^1];
                _lines[^1] = FcLogLine.Parse(previous.Raw + "\n" + line.Raw);
            }
            else
            {
                _lines.Add(line);
            }
        }
    }

    /// <inheritdoc />
    public override bool CanRead => false;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => true;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
}
