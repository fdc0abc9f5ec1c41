namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// The Start/End marker lines around a call. The End line is written when the work is done and before the
/// answer goes out (on a quiet instance it is flushed then, see <see cref="FcLogWriter.WriteEndLine"/>), so
/// whoever holds the answer can already find the whole invocation in the log. It is written exactly once,
/// whoever ends the frame first: the call itself, a deadline callback, or disposal.
/// </summary>
internal sealed class LogFrame : IDisposable
{
    private readonly FcLogWriter _log;
    private readonly string _end;
    private int _ended;

    public LogFrame(FcLogWriter log, string start, string end)
    {
        _log = log;
        _end = end;
        log.WriteStartLine(start);
    }

    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0) _log.WriteEndLine(_end);
    }

    public void Dispose() => End();
}
