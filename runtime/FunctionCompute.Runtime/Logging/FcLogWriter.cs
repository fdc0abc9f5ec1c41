using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// Writes whole lines to the instance's stdout, which FC collects line by line into the function log.
/// Each line is written and flushed under a lock before the call returns: slower than a background
/// queue by microseconds, but a crash or a SIGKILL never loses a line that was already logged.
/// </summary>
public sealed class FcLogWriter
{
    private readonly Stream _output;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();

    /// <summary>Writes to <paramref name="output"/> (stdout when null).</summary>
    public FcLogWriter(Stream? output = null, TimeProvider? clock = null)
    {
        _output = output ?? Console.OpenStandardOutput();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Writes one line as it is (the contract's <c>FC Invoke Start ...</c> markers).</summary>
    public void WriteLine(string line)
    {
        var max = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(line, buffer);
            buffer[length++] = (byte)'\n';
            lock (_gate)
            {
                _output.Write(buffer, 0, length);
                _output.Flush();
            }
        }
        catch (IOException)
        {
            // stdout closed (the collector went away): logging must never fail an invocation.
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
