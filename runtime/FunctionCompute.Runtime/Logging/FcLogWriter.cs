using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// Writes whole lines to the instance's stdout, which FC collects line by line into the function log.
/// A line is encoded into a shared buffer at once, in call order; a single flusher writes whatever has
/// gathered in one system call. Under load that turns hundreds of small writes into a few large ones
/// (measured: writing every line on the request thread cost a fifth of the echo throughput). Nothing
/// waits long: a flush is scheduled as soon as a line is buffered, except that a Start marker may wait up to
/// <see cref="DeferredLineDelay"/> for the lines that follow it, so a short invocation costs one write instead of
/// two (<see cref="WriteStartLine"/>); the End marker of the last call on a quiet instance is written before its
/// answer goes out (<see cref="WriteEndLine"/>); and <see cref="Flush"/> (called on shutdown, on process exit and
/// on an unhandled exception) writes out the rest.
/// </summary>
internal sealed class FcLogWriter : IDisposable
{
    private const int ShrinkAbove = 1024 * 1024;

    /// <summary>The longest a Start marker (<see cref="WriteStartLine"/>) waits in the buffer.</summary>
    public static readonly TimeSpan DeferredLineDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Calls ending closer together than this mean the instance is busy, too busy to be frozen (<see cref="WriteEndLine"/>).</summary>
    public static readonly TimeSpan BusyInterval = TimeSpan.FromMilliseconds(1);
    private readonly Stream _output;
    private readonly TimeProvider _clock;
    private readonly Lock _bufferGate = new();
    private readonly Lock _outputGate = new();
    private readonly bool _ownsProcessHooks;
    private ArrayBufferWriter<byte> _pending = new(16 * 1024);
    private ArrayBufferWriter<byte> _writing = new(16 * 1024);
    private readonly Timer _deferredFlush;
    private bool _flushScheduled;
    private bool _deferredFlushArmed;
    private int _openFrames;
    private long _previousEndTimestamp;

    /// <summary>Writes to <paramref name="output"/> (stdout when null).</summary>
    public FcLogWriter(Stream? output = null, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        // A real timer, not the clock's: tests that fake the time must still see deferred lines come out.
        _deferredFlush = new Timer(static state => ((FcLogWriter)state!).OnDeferredFlushDue(), this, Timeout.Infinite, Timeout.Infinite);
        if (output is null)
        {
            _output = Console.OpenStandardOutput();
            // The process's own stdout: whatever is buffered must reach FC however the process ends.
            _ownsProcessHooks = true;
            AppDomain.CurrentDomain.ProcessExit += OnProcessEnd;
            AppDomain.CurrentDomain.UnhandledException += OnProcessEnd;
        }
        else
        {
            _output = output;
        }
    }

    /// <summary>Writes one line, flushed in the next batch (line breaks and other controls in it escaped, see <see cref="Append"/>).</summary>
    public void WriteLine(string line)
    {
        bool schedule;
        lock (_bufferGate)
        {
            Append(line);
            schedule = ClaimScheduledFlush();
        }
        if (schedule) QueueFlush();
    }

    /// <summary>
    /// Writes a call's Start marker (<c>FC Invoke Start ...</c>), opening its frame. The line may wait in the
    /// buffer up to <see cref="DeferredLineDelay"/> for the lines that follow it: a short invocation's End line
    /// comes within microseconds, and flushing each marker on its own woke a thread-pool thread twice per
    /// invocation (measured: 4 of the runtime's 12 context switches per echo invocation at one connection,
    /// against 5 for a bare Kestrel app). A long invocation's Start line still shows up while it runs.
    /// </summary>
    public void WriteStartLine(string line)
    {
        lock (_bufferGate)
        {
            _openFrames++;
            Append(line);
            // A scheduled flush writes this line too; an armed timer is due even sooner than a new one would be.
            if (_flushScheduled || _deferredFlushArmed) return;
            _deferredFlushArmed = true;
        }
        try
        {
            _deferredFlush.Change(DeferredLineDelay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            Flush(); // a call starting while the host shuts down: nothing will flush later
        }
    }

    /// <summary>
    /// Writes a call's End marker, closing its frame. When it closes the last open frame of a quiet instance, every
    /// buffered line is on stdout before this returns, so before the answer goes out: FC freezes an instance as soon
    /// as it serves no request, and a line left in the buffer would then wait for the next thaw (or the pre-stop
    /// hook) to reach the log. Under load (the previous call ended less than <see cref="BusyInterval"/> ago) the line
    /// is handed to the batching flusher instead, usually written within microseconds but not awaited: so the last
    /// call of a burst is covered on a best-effort basis only. Writing every End line on the request thread cost up
    /// to a quarter of the echo throughput at 32 and 200 connections (bench, side by side). Measured with the
    /// real clock (like the deferral timer), not the writer's <see cref="TimeProvider"/>, which tests may fake.
    /// </summary>
    public void WriteEndLine(string line)
    {
        bool now, schedule = false;
        lock (_bufferGate)
        {
            // Counted under the lock that adds the line: whoever closes the last frame flushes every line before it.
            Append(line);
            _openFrames = Math.Max(0, _openFrames - 1);
            var ended = Stopwatch.GetTimestamp();
            now = _openFrames == 0 && Stopwatch.GetElapsedTime(_previousEndTimestamp, ended) >= BusyInterval;
            _previousEndTimestamp = ended;
            if (!now) schedule = ClaimScheduledFlush();
        }
        if (now) Flush();
        else if (schedule) QueueFlush();
    }

    /// <summary>Under <c>_bufferGate</c>: true when no flush is scheduled yet, and the caller must now queue one.</summary>
    private bool ClaimScheduledFlush()
    {
        if (_flushScheduled) return false;
        _flushScheduled = true;
        return true;
    }

    private void QueueFlush() => ThreadPool.UnsafeQueueUserWorkItem(static writer => writer.Flush(), this, preferLocal: false);

    /// <summary>
    /// Buffers one line. Every line the writer takes goes through here, so none can hold a line break of its own:
    /// control characters are escaped (<see cref="LogText.Escape"/>), which costs a clean line one scan and no copy.
    /// </summary>
    private void Append(string line)
    {
        line = LogText.Escape(line);
        var span = _pending.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
        var length = Encoding.UTF8.GetBytes(line, span);
        span[length] = (byte)'\n';
        _pending.Advance(length + 1);
    }

    private void OnDeferredFlushDue()
    {
        lock (_bufferGate) _deferredFlushArmed = false;
        Flush();
    }

    /// <summary>
    /// Writes a user log line in FC's format: <c>2026-11-23T10:00:00.123Z &lt;request-id&gt; [INFO] message</c>
    /// (the request id is left out outside an invocation). One record is one physical line: line breaks and other
    /// control characters in the id and the message (a multi-line exception too) are escaped (<see cref="LogText.Escape"/>).
    /// </summary>
    public void WriteLog(LogLevel level, string? requestId, string message)
    {
        var time = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        WriteLine(requestId is null
            ? $"{time} [{LevelName(level)}] {message}"
            : $"{time} {requestId} [{LevelName(level)}] {message}");
    }

    /// <summary>Writes out every line buffered so far, before returning.</summary>
    public void Flush()
    {
        lock (_outputGate)
        {
            while (true)
            {
                ArrayBufferWriter<byte> batch;
                lock (_bufferGate)
                {
                    if (_pending.WrittenCount == 0)
                    {
                        _flushScheduled = false;
                        return;
                    }
                    batch = _pending;
                    _pending = _writing;
                    _writing = batch;
                }
                try
                {
                    _output.Write(batch.WrittenSpan);
                    _output.Flush();
                }
                catch (IOException)
                {
                    // stdout closed (the collector went away): logging must never fail an invocation.
                }
                catch (ObjectDisposedException)
                {
                }
                if (batch.Capacity > ShrinkAbove) _writing = new ArrayBufferWriter<byte>(16 * 1024);
                else batch.Clear();
            }
        }
    }

    /// <summary>Flushes, and stops watching the process's end.</summary>
    public void Dispose()
    {
        _deferredFlush.Dispose();
        Flush();
        if (_ownsProcessHooks)
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessEnd;
            AppDomain.CurrentDomain.UnhandledException -= OnProcessEnd;
        }
    }

    private void OnProcessEnd(object? sender, EventArgs e) => Flush();

    /// <summary>The level words FC's own runtimes print.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "VERBOSE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => "INFO",
    };
}
