using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// Writes whole lines to the instance's stdout, which FC collects line by line into the function log.
/// A line is encoded into a shared buffer at once, in call order; a single flusher writes whatever has
/// gathered in one system call. Under load that turns hundreds of small writes into a few large ones
/// (measured: writing every line on the request thread cost a fifth of the echo throughput). Nothing
/// waits long: the flusher is scheduled as soon as the first line is buffered, and <see cref="Flush"/>
/// (called on shutdown, on process exit and on an unhandled exception) writes out the rest.
/// </summary>
public sealed class FcLogWriter : IDisposable
{
    private const int ShrinkAbove = 1024 * 1024;
    private readonly Stream _output;
    private readonly TimeProvider _clock;
    private readonly Lock _bufferGate = new();
    private readonly Lock _outputGate = new();
    private readonly bool _ownsProcessHooks;
    private ArrayBufferWriter<byte> _pending = new(16 * 1024);
    private ArrayBufferWriter<byte> _writing = new(16 * 1024);
    private bool _flushScheduled;

    /// <summary>Writes to <paramref name="output"/> (stdout when null).</summary>
    public FcLogWriter(Stream? output = null, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
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

    /// <summary>Writes one line as it is (the contract's <c>FC Invoke Start ...</c> markers).</summary>
    public void WriteLine(string line)
    {
        lock (_bufferGate)
        {
            var span = _pending.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
            var length = Encoding.UTF8.GetBytes(line, span);
            span[length] = (byte)'\n';
            _pending.Advance(length + 1);
            if (_flushScheduled) return;
            _flushScheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static writer => writer.Flush(), this, preferLocal: false);
    }

    /// <summary>
    /// Writes a user log line in FC's format: <c>2026-11-23T10:00:00.123Z &lt;request-id&gt; [INFO] message</c>
    /// (the request id is left out outside an invocation).
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
