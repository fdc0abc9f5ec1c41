using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Benchmarks;

/// <summary>
/// One log line through <see cref="ILogger"/>, inside an invocation with credentials (so masking runs), as a handler
/// writes it: the text format before the JSON format existed (its provider and <c>WriteLog</c> body, kept here as they
/// were: the baseline), the text format now, and the JSON format. Two lines: a template with two values, and one
/// with an exception inside a scope. The output is <see cref="Stream.Null"/>, and each line is flushed at once, on the
/// benchmark's thread: the cost measured is formatting, masking, encoding, buffering and one (empty) write, without
/// the noise of a buffer that grows while a background flusher lags behind (which made the allocations wander).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LogLineBenchmarks
{
    private readonly Exception _exception = Thrown();
    private ILoggerFactory _before = null!, _text = null!, _json = null!;
    private ILogger _beforeLogger = null!, _textLogger = null!, _jsonLogger = null!;
    private FcLogWriter[] _writers = [];

    [GlobalSetup]
    public void Setup()
    {
        _writers = [new FcLogWriter(Stream.Null), new FcLogWriter(Stream.Null), new FcLogWriter(Stream.Null, format: FcLogFormat.Json)];
        _before = LoggerFactory.Create(logging => logging.AddProvider(new BeforeTextProvider(_writers[0])));
        _text = LoggerFactory.Create(logging => logging.AddProvider(new FcLoggerProvider(_writers[1])));
        _json = LoggerFactory.Create(logging => logging.AddProvider(new FcJsonLoggerProvider(_writers[2])));
        _beforeLogger = _before.CreateLogger("Function");
        _textLogger = _text.CreateLogger("Function");
        _jsonLogger = _json.CreateLogger("Function");
        // Entered on the thread that runs the benchmark: every line belongs to this invocation and masks its secrets.
        InvocationScope.Enter(new FcContext
        {
            RequestId = "1-6746e2b1-2f0a3c4d5e6f7a8b9c0d1e2f",
            Credentials = new CloudCredentials("STS.NUgYrLnoC37mZZCNnAbez2tWb", "8a7Lvk3jQ1cXcH9rHJ6RkQZfwD2N7eTyY9pCmUs1", "CAIS" + new string('x', 600)),
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var factory in new[] { _before, _text, _json }) factory.Dispose();
        foreach (var writer in _writers) writer.Dispose();
    }

    [Benchmark(Baseline = true, Description = "text, before")]
    [BenchmarkCategory("template")]
    public void TemplateTextBefore() => Template(_beforeLogger, _writers[0]);

    [Benchmark(Description = "text")]
    [BenchmarkCategory("template")]
    public void TemplateText() => Template(_textLogger, _writers[1]);

    [Benchmark(Description = "json")]
    [BenchmarkCategory("template")]
    public void TemplateJson() => Template(_jsonLogger, _writers[2]);

    [Benchmark(Baseline = true, Description = "text, before")]
    [BenchmarkCategory("exception+scope")]
    public void ExceptionTextBefore() => ExceptionInScope(_beforeLogger, _writers[0]);

    [Benchmark(Description = "text")]
    [BenchmarkCategory("exception+scope")]
    public void ExceptionText() => ExceptionInScope(_textLogger, _writers[1]);

    [Benchmark(Description = "json")]
    [BenchmarkCategory("exception+scope")]
    public void ExceptionJson() => ExceptionInScope(_jsonLogger, _writers[2]);

    private static void Template(ILogger logger, FcLogWriter writer)
    {
        logger.LogInformation("reserving {Items} items of order {Order}", 3, "A-1024");
        writer.Flush();
    }

    private void ExceptionInScope(ILogger logger, FcLogWriter writer)
    {
        using (logger.BeginScope("order {Order}", "A-1024")) logger.LogWarning(_exception, "order {Order} was not reserved", "A-1024");
        writer.Flush();
    }

    private static Exception Thrown()
    {
        try
        {
            throw new InvalidOperationException("no stock for the 3 items of order A-1024");
        }
        catch (InvalidOperationException exception)
        {
            return exception;
        }
    }

    /// <summary>The text provider and <c>FcLogWriter.WriteLog</c> as they were before the JSON format: the baseline.</summary>
    private sealed class BeforeTextProvider(FcLogWriter writer) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message = message.Length == 0 ? exception.ToString() : $"{message}{Environment.NewLine}{exception}";
            var context = InvocationScope.Current;
            var masked = SecretRedactor.Redact(message, context?.Credentials);
            var time = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            writer.WriteLine(context?.RequestId is null
                ? $"{time} [{FcLogWriter.LevelName(logLevel)}] {masked}"
                : $"{time} {context.RequestId} [{FcLogWriter.LevelName(logLevel)}] {masked}");
        }
    }
}
