using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FunctionCompute.Testing;

/// <summary>
/// One line of the function log: FC's user-log format (<c>2026-11-23T10:00:00.123Z &lt;request-id&gt; [INFO] message</c>)
/// or a contract marker (<c>FC Invoke Start RequestId: &lt;id&gt;</c>), parsed.
/// </summary>
/// <param name="Raw">The line as written (the runtime's writer escapes line breaks inside a record, a logged exception's too, as <c>\n</c>).</param>
/// <param name="Time">The timestamp of a user-log line.</param>
/// <param name="RequestId">The request id the line carries, if any.</param>
/// <param name="Level">The level word (<c>INFO</c>, <c>ERROR</c>, ...) of a user-log line.</param>
/// <param name="Message">The message of a user-log line, or the whole marker line.</param>
public sealed partial record FcLogLine(string Raw, DateTimeOffset? Time, string? RequestId, string? Level, string Message)
{
    /// <summary>Parses a line; anything unrecognised is kept whole as the message.</summary>
    public static FcLogLine Parse(string raw)
    {
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

    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z) (?:(?<id>[^\s\[]\S*) )?\[(?<level>[A-Z]+)\] (?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex UserLine();

    [GeneratedRegex(@"^FC \w+ (Start|End) RequestId: (?<id>\S+)$")]
    private static partial Regex MarkerLine();
}

/// <summary>
/// A stream to give the app as <c>FunctionAppOptions.LogOutput</c>: it keeps every line the runtime writes (the contract's
/// markers and every <c>ILogger</c>'s lines in FC's format) for the test to read. Thread safe. The runtime writes its log
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
