using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// An <see cref="ILoggerProvider"/> that writes every <see cref="ILogger"/>'s lines as one JSON object per line
/// (<see cref="FcLogFormat.Json"/>), with the request id of the invocation the line was logged from, the template's
/// values, the active scopes, the exception and the current trace. A provider of its own, not a switch in
/// <see cref="FcLoggerProvider"/>: only this one takes part in scopes (<see cref="ISupportExternalScope"/>), so the text
/// format still pays nothing for a <c>BeginScope</c>.
/// </summary>
[ProviderAlias("FunctionCompute")]
internal sealed class FcJsonLoggerProvider(FcLogWriter writer) : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new FcJsonLogger(writer, JsonLogRecord.EncodeCategory(categoryName), this);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class FcJsonLogger(FcLogWriter writer, JsonEncodedText category, FcJsonLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            JsonLogRecord.Write(writer, category, logLevel, eventId, state, exception, formatter, provider._scopes);
        }
    }
}
