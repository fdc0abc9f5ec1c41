using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Diagnostics;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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

    /// <summary>This app's invocation Activities (and its cold start).</summary>
    public InvocationActivity Tracing { get; } = new();

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
        // Current from here on: the handler's outgoing calls continue the invocation's trace.
        using var activity = Tracing.StartInvocation(http, context, web: false);
        if (context.FunctionParam.FunctionTimeout is > 0 and var seconds) timeout.CancelAfter(TimeSpan.FromSeconds(seconds));

        using var frame = new LogFrame(_log, FcLogLines.InvokeStart(context.RequestId), FcLogLines.InvokeEnd(context.RequestId));
        ReportProblems(parsed);
        using var scope = InvocationScope.Enter(context);
        LimitBody(http, _options.MaxEventBytes);
        var bodyLeftUnread = false;
        PooledEventStream? input = null;
        Task? handlerStillRunning = null;
        try
        {
            if (!_registry.TryResolve(context.FunctionParam.FunctionHandler, out var handler, out var error))
            {
                bodyLeftUnread = await SkipBodyAsync(http, http.RequestAborted);
                throw new HandlerNotFoundException(error);
            }
            // Refused on the declared size alone, before the initializer runs and before a byte of it is read.
            if (http.Request.ContentLength > _options.MaxEventBytes) throw new EventTooLargeException(_options.MaxEventBytes);
            await EnsureInitializedAsync(context, timeout.Token);

            input = await ReadEventAsync(http.Request, timeout.Token);
            timeout.Token.ThrowIfCancellationRequested();

            ValueTask<EventResult> pending = default;
            ExceptionDispatchInfo? thrown = null;
            var watchdog = new BlockedHandlerWatchdog(timeout.Token,
                () => FailAsync(http, context, Classify(new OperationCanceledException(), http, timeout, context.FunctionParam.FunctionTimeout, "The function"), frame, activity, closeConnection: true));
            try { pending = handler(input, context); }
            catch (Exception exception) { thrown = ExceptionDispatchInfo.Capture(exception); }
            // Taken once (a ValueTask may be awaited only once): the answer awaits it, and the event's release may too.
            var running = pending.IsCompletedSuccessfully ? null : pending.AsTask();
            handlerStillRunning = running;
            if (!watchdog.TryClaimAnswer())
            {
                // The handler held this thread past the deadline and the watchdog has answered: whatever it returns now is late.
                await watchdog.Answered;
                return;
            }
            thrown?.Throw();
            var result = running is null ? pending.Result : await running.WaitAsync(timeout.Token);
            frame.End();
            await WriteResultAsync(http, result, timeout.Token);
        }
        catch (Exception exception)
        {
            // An event over the limit is never read to its end: the connection cannot carry another call after it.
            await FailAsync(http, context, Classify(exception, http, timeout, context.FunctionParam.FunctionTimeout, "The function"), frame, activity,
                closeConnection: bodyLeftUnread || exception is EventTooLargeException);
        }
        finally
        {
            if (input is not null) ReleaseEvent(input, handlerStillRunning);
        }
    }

    /// <summary>
    /// Returns the event's pooled segments once nothing can read them any more: the answer is written, and the handler
    /// has finished, which after a timeout may be later (its task still runs, and may still read its input).
    /// </summary>
    private static void ReleaseEvent(PooledEventStream input, Task? handler)
    {
        if (handler is null || handler.IsCompleted) input.Dispose();
        else handler.ContinueWith(static (_, state) => ((PooledEventStream)state!).Dispose(), input, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async Task RunHookAsync(HttpContext http, CallKind kind)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var parsed = CreateContext(http, timeout.Token);
        var context = parsed.Context;
        using var activity = InvocationActivity.StartHook(http, context, kind);
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
        var bodyLeftUnread = false;
        try
        {
            bodyLeftUnread = await SkipBodyAsync(http, http.RequestAborted);
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
            if (bodyLeftUnread) http.Response.Headers.Connection = "close";
            await WriteResultAsync(http, EventResult.Empty, timeout.Token);
        }
        catch (Exception exception)
        {
            var what = kind switch { CallKind.Initialize => "The initializer", CallKind.PreStop => "The pre-stop hook", _ => "The pre-freeze hook" };
            await FailAsync(http, context, Classify(exception, http, timeout, hookTimeout, what), frame, activity, closeConnection: bodyLeftUnread);
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

    /// <summary>
    /// Buffers the event: FC sends it whole, handlers may read it twice, and a too-large one is refused before any
    /// handler runs. One that turns out too large while it arrives (sent chunked) is not read any further.
    /// </summary>
    private async Task<PooledEventStream> ReadEventAsync(HttpRequest request, CancellationToken token)
    {
        try
        {
            return await PooledEventStream.ReadFromAsync(request.Body, request.ContentLength, _options.MaxEventBytes, token);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel counted past the request's limit (LimitBody) before the reader did.
            throw new EventTooLargeException(_options.MaxEventBytes);
        }
        catch (BadHttpRequestException exception)
        {
            throw MalformedBody(exception);
        }
    }

    /// <summary>The largest body a call does not need that is still read and dropped, so the connection can serve the next call.</summary>
    private const int SmallBodyBytes = 64 * 1024;

    /// <summary>
    /// Sets the request's own body limit in Kestrel, which Kestrel enforces on the declared size before it sends
    /// <c>100 Continue</c>, and which keeps it from draining a refused body after the answer (it drains an unread body
    /// for up to 5 s otherwise, to keep the connection).
    /// </summary>
    internal static void LimitBody(HttpContext http, long limit)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
    }

    /// <summary>
    /// Gets rid of a body the call does not need (a hook's, or one sent to an unknown handler) reading little or none of
    /// it: a small one already on its way (declared up to <see cref="SmallBodyBytes"/>, with no client waiting for
    /// <c>100 Continue</c>) is read and dropped, so the connection serves on; any other is left unread and Kestrel is
    /// told not to read it either. Returns true in that case: the answer must close the connection.
    /// </summary>
    private static async Task<bool> SkipBodyAsync(HttpContext http, CancellationToken token)
    {
        var request = http.Request;
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return false;
        if (request.ContentLength is > 0 and <= SmallBodyBytes && !ExpectsContinue(request))
        {
            await DrainAsync(request.Body, SmallBodyBytes, token);
            return false;
        }
        LimitBody(http, 0);
        return true;
    }

    private static bool ExpectsContinue(HttpRequest request) =>
        request.Headers.Expect.Any(value => value?.Contains("100-continue", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>Reads and drops what is left of a small body, so the connection can serve the next call.</summary>
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

    private async Task FailAsync(HttpContext http, IFcContext context, Exception exception, LogFrame frame, System.Diagnostics.Activity? activity,
        bool closeConnection = false)
    {
        if (http.RequestAborted.IsCancellationRequested)
        {
            _runtimeLogger.LogWarning("The caller closed the connection before the invocation finished ({Type}).", exception.GetType().Name);
            return;
        }
        InvocationActivity.Fail(activity, exception, context);
        if (IsRuntimeVerdict(exception))
            _runtimeLogger.LogError("Invocation failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        else
            _runtimeLogger.LogError(exception, "Invocation failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        frame.End();
        // The caller of an event invocation is the one calling FC's API with the owner's keys: it gets the frames.
        var error = IsRuntimeVerdict(exception) ? Verdict(exception) : ErrorResponse.FromException(exception);
        await WriteErrorAsync(http, error, context, StatusCodes.Status404NotFound, _runtimeLogger, closeConnection);
    }

    /// <summary>The runtime's own verdicts (bad event, unknown handler, timeout) point at the caller, not at code: no frames.</summary>
    internal static ErrorResponse Verdict(Exception exception) => new(exception.Message, exception.GetType().Name, []);

    private static bool IsRuntimeVerdict(Exception exception) =>
        exception is InvalidEventException or HandlerNotFoundException or EventTooLargeException or FunctionTimeoutException or MissingCredentialsException;

    /// <summary>Writes the contract's error answer, with the invocation's secrets masked out of it.</summary>
    /// <param name="closeConnection">Ask the caller not to reuse the connection: set when the request itself cannot finish (its handler still holds the thread).</param>
    internal static async Task WriteErrorAsync(HttpContext http, ErrorResponse error, IFcContext context, int status, ILogger logger, bool closeConnection = false)
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
