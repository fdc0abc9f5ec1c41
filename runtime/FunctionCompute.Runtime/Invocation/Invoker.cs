using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// Runs event invocations and lifecycle hooks: builds the context, writes the contract's log lines,
/// enforces the timeout, and turns every failure into the contract's error answer. Nothing a
/// handler does (throw, hang, ignore cancellation) reaches Kestrel or stops the process.
/// </summary>
internal sealed class Invoker
{
    private readonly EventHandlerRegistry _registry;
    private readonly FunctionLifecycle _lifecycle;
    private readonly FunctionAppOptions _options;
    private readonly FcLogWriter _log;
    private readonly ILogger _functionLogger;
    private readonly ILogger _runtimeLogger;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;

    public Invoker(EventHandlerRegistry registry, FunctionLifecycle lifecycle, FunctionAppOptions options, FcLogWriter log, ILoggerFactory loggerFactory)
    {
        _registry = registry;
        _lifecycle = lifecycle;
        _options = options;
        _log = log;
        _functionLogger = loggerFactory.CreateLogger("Function");
        _runtimeLogger = loggerFactory.CreateLogger("FunctionCompute.Runtime");
    }

    public bool HasEventHandlers => !_registry.IsEmpty;

    /// <summary>Parses the call's context, cancelled by <paramref name="token"/>.</summary>
    public ParsedContext CreateContext(HttpContext http, CancellationToken token) =>
        FcContextParser.Parse(http.Request.Headers, _options.Environment, _options.Clock.GetUtcNow(), token, _functionLogger);

    /// <summary>Logs what was malformed in the headers, inside the invocation's Start/End lines.</summary>
    public void ReportProblems(ParsedContext parsed)
    {
        foreach (var problem in parsed.Problems)
            _log.WriteLog(LogLevel.Warning, parsed.Context.RequestId, problem);
    }

    public async Task InvokeEventAsync(HttpContext http)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var parsed = CreateContext(http, timeout.Token);
        var context = parsed.Context;
        if (context.FunctionParam.FunctionTimeout is > 0 and var seconds) timeout.CancelAfter(TimeSpan.FromSeconds(seconds));

        using var frame = new LogFrame(_log, FcLogLines.InvokeStart(context.RequestId), FcLogLines.InvokeEnd(context.RequestId));
        ReportProblems(parsed);
        using var scope = InvocationScope.Enter(context);
        try
        {
            if (!_registry.TryResolve(context.FunctionParam.FunctionHandler, out var handler, out var error))
            {
                await DrainAsync(http.Request.Body, _options.MaxEventBytes * 4, http.RequestAborted);
                throw new HandlerNotFoundException(error);
            }
            await EnsureInitializedAsync(context, timeout.Token);

            var input = await ReadEventAsync(http.Request, timeout.Token);
            timeout.Token.ThrowIfCancellationRequested();

            ValueTask<EventResult> pending = default;
            ExceptionDispatchInfo? thrown = null;
            var watchdog = new BlockedHandlerWatchdog(timeout.Token,
                () => FailAsync(http, context, Classify(new OperationCanceledException(), http, timeout, context.FunctionParam.FunctionTimeout, "The function"), frame, closeConnection: true));
            try { pending = handler(input, context); }
            catch (Exception exception) { thrown = ExceptionDispatchInfo.Capture(exception); }
            if (!watchdog.TryClaimAnswer())
            {
                // The handler held this thread past the deadline and the watchdog has answered: whatever it returns now is late.
                await watchdog.Answered;
                return;
            }
            thrown?.Throw();
            var result = pending.IsCompletedSuccessfully ? pending.Result : await pending.AsTask().WaitAsync(timeout.Token);
            frame.End();
            await WriteResultAsync(http, result, timeout.Token);
        }
        catch (Exception exception)
        {
            await FailAsync(http, context, Classify(exception, http, timeout, context.FunctionParam.FunctionTimeout, "The function"), frame);
        }
    }

    public async Task RunHookAsync(HttpContext http, CallKind kind)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var parsed = CreateContext(http, timeout.Token);
        var context = parsed.Context;
        var (start, end) = kind switch
        {
            CallKind.Initialize => (FcLogLines.InitializeStart(context.RequestId), FcLogLines.InitializeEnd(context.RequestId)),
            CallKind.PreStop => (FcLogLines.PreStopStart(context.RequestId), FcLogLines.PreStopEnd(context.RequestId)),
            _ => (FcLogLines.PreFreezeStart(context.RequestId), FcLogLines.PreFreezeEnd(context.RequestId)),
        };
        var hookTimeout = kind == CallKind.Initialize ? context.FunctionParam.InitializationTimeout : context.FunctionParam.FunctionTimeout;
        if (hookTimeout is > 0) timeout.CancelAfter(TimeSpan.FromSeconds(hookTimeout.Value));

        using var frame = new LogFrame(_log, start, end);
        ReportProblems(parsed);
        using var scope = InvocationScope.Enter(context);
        try
        {
            await DrainAsync(http.Request.Body, _options.MaxEventBytes * 4, http.RequestAborted);
            switch (kind)
            {
                case CallKind.Initialize:
                    await RunInitializerOnceAsync(context, timeout.Token);
                    break;
                case CallKind.PreStop when _lifecycle.PreStop is { } preStop:
                    await OffTheCallersThread(() => preStop(context)).WaitAsync(timeout.Token);
                    break;
                case CallKind.PreFreeze when _lifecycle.PreFreeze is { } preFreeze:
                    await OffTheCallersThread(() => preFreeze(context)).WaitAsync(timeout.Token);
                    break;
            }
            frame.End();
            await WriteResultAsync(http, EventResult.Empty, timeout.Token);
        }
        catch (Exception exception)
        {
            var what = kind switch { CallKind.Initialize => "The initializer", CallKind.PreStop => "The pre-stop hook", _ => "The pre-freeze hook" };
            await FailAsync(http, context, Classify(exception, http, timeout, hookTimeout, what), frame);
        }
    }

    /// <summary>
    /// Runs the initializer, if the app has one and it has not succeeded yet, before a call: FC calls /initialize before
    /// the first call when the function has an initializer; when it does not (or under <c>s local</c>), the first event
    /// invocation or web request runs it. Costs one field read once it has run.
    /// </summary>
    public Task EnsureInitializedAsync(IFcContext context, CancellationToken token) =>
        _initialized || _lifecycle.Initializer is null ? Task.CompletedTask : RunInitializerOnceAsync(context, token);

    /// <summary>Runs the initializer until it succeeds once; concurrent first calls wait for the one run.</summary>
    private async Task RunInitializerOnceAsync(IFcContext context, CancellationToken token)
    {
        if (_initialized || _lifecycle.Initializer is not { } initializer) return;
        await _initializeGate.WaitAsync(token);
        try
        {
            if (_initialized) return;
            await OffTheCallersThread(() => initializer(context)).WaitAsync(token);
            _initialized = true;
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <summary>Buffers the event: FC sends it whole, handlers may read it twice, and a too-large one is refused before any handler runs.</summary>
    private async Task<MemoryStream> ReadEventAsync(HttpRequest request, CancellationToken token)
    {
        var limit = _options.MaxEventBytes;
        if (request.ContentLength is { } declared && declared > limit)
        {
            await DrainAsync(request.Body, limit * 4, token);
            throw new EventTooLargeException(limit);
        }

        var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 0);
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, token)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    await DrainAsync(request.Body, limit * 4, token);
                    throw new EventTooLargeException(limit);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException exception)
        {
            throw MalformedBody(exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Reads and drops what is left of a body, so the caller sees the answer instead of a reset connection.</summary>
    private static async Task DrainAsync(Stream body, long max, CancellationToken token)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while (total < max && (read = await body.ReadAsync(chunk, token)) > 0) total += read;
        }
        catch (BadHttpRequestException exception)
        {
            throw MalformedBody(exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// A body Kestrel cannot read (bad chunk framing, a stalled upload) is the caller's problem, not the function's:
    /// it is answered as an invalid event with Kestrel's reason, without Kestrel's frames as a stack trace.
    /// </summary>
    private static InvalidEventException MalformedBody(BadHttpRequestException exception) =>
        new($"The event could not be read from the request: {exception.Message}", exception);

    private static async Task WriteResultAsync(HttpContext http, EventResult result, CancellationToken token)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers[FcHeaders.Status] = "200";
        response.ContentType = result.ContentType;
        if (result.Stream is { } stream)
        {
            await using (stream)
            {
                if (stream.CanSeek) response.ContentLength = stream.Length - stream.Position;
                await stream.CopyToAsync(response.Body, token);
            }
        }
        else
        {
            response.ContentLength = result.Bytes.Length;
            if (!result.Bytes.IsEmpty) await response.Body.WriteAsync(result.Bytes, token);
        }
    }

    /// <summary>
    /// Starts a lifecycle hook on a thread-pool work item instead of the request's own thread, so a hook that blocks
    /// (synchronous I/O, <c>Thread.Sleep</c>, a deadlock) before its first await cannot keep its timeout answer from
    /// being written. Hooks run once per instance, so the hop costs nothing that matters; invocations, which are
    /// hot, use <see cref="BlockedHandlerWatchdog"/> instead.
    /// </summary>
    private static Task OffTheCallersThread(Func<Task> userCode) => Task.Run(userCode);

    /// <summary>Names what went wrong: a timeout and a vanished caller are told apart from a handler's own error.</summary>
    private static Exception Classify(Exception exception, HttpContext http, CancellationTokenSource timeout, int? seconds, string what) =>
        exception is OperationCanceledException && timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested && seconds is > 0
            ? new FunctionTimeoutException(TimeSpan.FromSeconds(seconds.GetValueOrDefault()), what)
            : exception;

    private async Task FailAsync(HttpContext http, IFcContext context, Exception exception, LogFrame frame, bool closeConnection = false)
    {
        if (http.RequestAborted.IsCancellationRequested)
        {
            _runtimeLogger.LogWarning("The caller closed the connection before the invocation finished ({Type}).", exception.GetType().Name);
            return;
        }
        if (IsRuntimeVerdict(exception))
            _runtimeLogger.LogError("Invocation failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        else
            _runtimeLogger.LogError(exception, "Invocation failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        frame.End();
        await WriteErrorAsync(http, exception, context, StatusCodes.Status404NotFound, _runtimeLogger, closeConnection);
    }

    private static bool IsRuntimeVerdict(Exception exception) =>
        exception is InvalidEventException or HandlerNotFoundException or EventTooLargeException or FunctionTimeoutException or MissingCredentialsException;

    /// <summary>Writes the contract's error answer, with the invocation's secrets masked out of it.</summary>
    // closeConnection: ask the caller not to reuse the connection: set when the request itself cannot finish (its handler still holds the thread).</param>
    internal static async Task WriteErrorAsync(HttpContext http, Exception exception, IFcContext context, int status, ILogger logger, bool closeConnection = false)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            // Part of a result is already on the wire: breaking the connection is the only honest signal left.
            logger.LogError("The response had already started; aborting the connection.");
            http.Abort();
            return;
        }
        response.Clear();
        response.StatusCode = status;
        response.Headers[FcHeaders.Status] = "404";
        response.ContentType = EventResult.Json;
        if (closeConnection) response.Headers.Connection = "close";
        // The runtime's own verdicts (bad event, unknown handler, timeout) point at the caller, not at code: no frames.
        var error = IsRuntimeVerdict(exception)
            ? new ErrorResponse(exception.Message, exception.GetType().Name, [])
            : ErrorResponse.FromException(exception);
        error = error with
        {
            ErrorMessage = SecretRedactor.Redact(error.ErrorMessage, context.Credentials),
            StackTrace = error.StackTrace.Select(line => SecretRedactor.Redact(line, context.Credentials)).ToArray(),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJsonContext.Readable.ErrorResponse);
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
