using FunctionCompute.Runtime.Context;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// An <see cref="ILoggerProvider"/> that writes every <see cref="ILogger"/>'s lines in FC's format,
/// with the request id of the invocation the line was logged from.
/// </summary>
[ProviderAlias("FunctionCompute")]
internal sealed class FcLoggerProvider(FcLogWriter writer) : ILoggerProvider
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new FcLogger(writer);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class FcLogger(FcLogWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message = message.Length == 0 ? exception.ToString() : $"{message}{Environment.NewLine}{exception}";
            var context = InvocationScope.Current;
            writer.WriteLog(logLevel, context?.RequestId, SecretRedactor.Redact(message, context?.Credentials));
        }
    }
}
