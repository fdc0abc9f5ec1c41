using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Testing;

/// <summary>
/// Invokes an app's event handlers by name, in process, without a server: the handler registered with <c>MapEvent</c> is
/// resolved from the app's <see cref="EventHandlerRegistry"/> and called with a test context, inside FC's log markers, with
/// its log lines captured, its failures turned into FC's error JSON and its timeout enforced, as the runtime does.
/// <code>
/// await using var fc = FcTestApp.Create(configure => SampleApp.Create([], configure));
/// var result = await fc.InvokeAsync("echo", "hello");            // result.Text == "hello"
/// </code>
/// </summary>
public sealed class FcTestApp : IAsyncDisposable
{
    private readonly EventHandlerRegistry _registry;
    private readonly FunctionLifecycle _lifecycle;
    private readonly FcLogWriter _writer;
    private readonly ILogger _functionLogger;
    private readonly ILogger _runtimeLogger;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private bool _initialized;

    private FcTestApp(WebApplication app, FcLogCapture log)
    {
        App = app;
        Log = log;
        _registry = app.Services.GetRequiredService<EventHandlerRegistry>();
        _lifecycle = app.Services.GetRequiredService<FunctionLifecycle>();
        _writer = app.Services.GetRequiredService<FcLogWriter>();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        _functionLogger = loggers.CreateLogger("Function");
        _runtimeLogger = loggers.CreateLogger("FunctionCompute.Runtime");
    }

    /// <summary>
    /// Builds the app with <paramref name="createApp"/> (your app's factory, given the options hook it passes to
    /// <c>FunctionApp.CreateBuilder</c>), its log going to <see cref="Log"/>. The app is not started.
    /// </summary>
    public static FcTestApp Create(Func<Action<FunctionAppOptions>, WebApplication> createApp, Action<FunctionAppOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(createApp);
        var log = new FcLogCapture();
        var app = createApp(options =>
        {
            options.Port = 0;
            options.ListenAddress = IPAddress.Loopback;
            options.LogOutput = log;
            configure?.Invoke(options);
        });
        return new FcTestApp(app, log);
    }

    /// <summary>The app under test.</summary>
    public WebApplication App { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>Every log line the app wrote.</summary>
    public FcLogCapture Log { get; }

    /// <summary>The registered event handler names.</summary>
    public IReadOnlyCollection<string> HandlerNames => _registry.Names;

    /// <summary>Invokes <paramref name="handler"/> with the event bytes.</summary>
    public async Task<FcInvocationResult> InvokeAsync(string handler, ReadOnlyMemory<byte> input, FcContextBuilder? context = null)
    {
        context ??= new FcContextBuilder();
        if (string.IsNullOrEmpty(context.FunctionParam.FunctionHandler)) context = context.WithHandler(handler);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        var fc = context.Build(timeout.Token, _functionLogger);
        var seconds = fc.FunctionParam.FunctionTimeout;
        if (seconds is > 0) timeout.CancelAfter(TimeSpan.FromSeconds(seconds.Value));

        _writer.WriteStartLine(FcLogLines.InvokeStart(fc.RequestId));
        int status;
        byte[] body;
        string? contentType;
        using (InvocationScope.Enter(fc))
        {
            try
            {
                if (!_registry.TryResolve(handler, out var resolved, out var error)) throw new HandlerNotFoundException(error);
                await InitializeOnceAsync(fc, timeout.Token);
                var result = await resolved(new MemoryStream(input.ToArray(), writable: false), fc).AsTask().WaitAsync(timeout.Token);
                (status, contentType) = (200, result.ContentType);
                if (result.Stream is { } stream)
                {
                    await using (stream)
                    {
                        using var copy = new MemoryStream();
                        await stream.CopyToAsync(copy, timeout.Token);
                        body = copy.ToArray();
                    }
                }
                else
                {
                    body = result.Bytes.ToArray();
                }
            }
            catch (Exception exception)
            {
                var reported = exception is OperationCanceledException && timeout.IsCancellationRequested
                    && !context.Cancellation.IsCancellationRequested && seconds is > 0
                    ? new FunctionTimeoutException(TimeSpan.FromSeconds(seconds.Value))
                    : exception;
                _runtimeLogger.LogError("Invocation failed: {Type}: {Message}", reported.GetType().Name, reported.Message);
                (status, contentType) = (404, "application/json; charset=utf-8");
                body = JsonSerializer.SerializeToUtf8Bytes(ErrorResponse.FromException(reported), RuntimeJsonContext.Readable.ErrorResponse);
            }
            finally
            {
                _writer.WriteEndLine(FcLogLines.InvokeEnd(fc.RequestId));
                _writer.Flush(); // the runtime's writer batches lines in the background: the result carries them all
            }
        }
        return new FcInvocationResult(handler, fc.RequestId, status, body, contentType, Log.For(fc.RequestId));
    }

    /// <summary>Invokes <paramref name="handler"/> with a UTF-8 text event.</summary>
    public Task<FcInvocationResult> InvokeAsync(string handler, string input, FcContextBuilder? context = null) =>
        InvokeAsync(handler, Encoding.UTF8.GetBytes(input), context);

    /// <summary>Invokes <paramref name="handler"/> with <paramref name="input"/> written as JSON.</summary>
    public Task<FcInvocationResult> InvokeJsonAsync<TEvent>(string handler, TEvent input, JsonTypeInfo<TEvent> eventType, FcContextBuilder? context = null) =>
        InvokeAsync(handler, JsonSerializer.SerializeToUtf8Bytes(input, eventType), context);

    /// <summary>
    /// Invokes a typed handler: the event is written as JSON, the result read as JSON. A failed invocation throws
    /// <see cref="FcAssertionException"/> with the error type and message.
    /// </summary>
    public async Task<TResult> InvokeAsync<TEvent, TResult>(string handler, TEvent input, JsonTypeInfo<TEvent> eventType, JsonTypeInfo<TResult> resultType, FcContextBuilder? context = null) =>
        (await InvokeJsonAsync(handler, input, eventType, context)).Json(resultType);

    private async Task InitializeOnceAsync(IFcContext context, CancellationToken token)
    {
        if (_initialized || _lifecycle.Initializer is not { } initializer) return;
        await _initializeGate.WaitAsync(token);
        try
        {
            if (_initialized) return;
            await initializer(context).WaitAsync(token);
            _initialized = true;
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _initializeGate.Dispose();
    }
}
