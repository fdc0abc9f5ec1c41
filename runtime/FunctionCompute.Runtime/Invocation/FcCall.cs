using System.Diagnostics;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// One FC call (event invocation, initialize, pre-stop, pre-freeze or web request) from the moment it is opened to its
/// one answer. <see cref="Open"/> is the single place a call gets its context, deadline, log frame and ambient scope;
/// <see cref="AnswerAsync"/>, <see cref="FailAsync"/> and <see cref="WriteErrorAsync"/> are the only ways it is
/// answered. How the event arrives and where the answer goes is the transport's part: Kestrel's (the hosting layer's
/// HTTP call) or the test kit's (bytes in memory). Nothing here knows HTTP.
/// </summary>
/// <remarks>
/// One object per call, which also is the log frame (its End line is written exactly once, whoever ends it first: the
/// call, a deadline callback or disposal) and the state the blocked-handler watchdog answers through, so opening a call
/// allocates no closure.
/// </remarks>
internal abstract class FcCall : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CallServices _services;
    private string? _endLine;
    private int _frameEnded;
    private InvocationScope.Scope _scope;
    private CancellationTokenRegistration _endAtDeadline;
    private long _measuredFrom;
    private int _finished;

    /// <param name="kind">What FC called.</param>
    /// <param name="callerGone">Cancelled when the caller goes away (the connection closed).</param>
    /// <param name="services">The log and loggers calls write to.</param>
    protected FcCall(CallKind kind, CancellationToken callerGone, CallServices services)
    {
        Kind = kind;
        CallerGone = callerGone;
        _services = services;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(callerGone);
    }

    public CallKind Kind { get; }

    /// <summary>The call's context, set by <see cref="Open"/>.</summary>
    public IFcContext Context { get; private set; } = null!;

    /// <summary>Cancelled at the call's deadline or when the caller goes away: the token handed to the context and the handler.</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>Cancelled when the caller goes away.</summary>
    public CancellationToken CallerGone { get; }

    /// <summary>The timeout the call runs under, in seconds (the initializer's for <see cref="CallKind.Initialize"/>), if any.</summary>
    public int? TimeoutSeconds { get; private set; }

    public CallServices Services => _services;

    /// <summary>
    /// The call's Activity (<see cref="InvocationActivity"/>), started by <see cref="Open"/> and stopped when the call is
    /// disposed; null when there is nothing to trace (no trace context, nobody listening) and for a bare probe.
    /// </summary>
    public Activity? Activity { get; private set; }

    /// <summary>The HTTP method of a web call (the name of its Activity), if the transport has one.</summary>
    public virtual string? WebMethod => null;

    /// <summary>The call's W3C <c>baggage</c>, if it carries one; read only when an Activity is started.</summary>
    public virtual string? Baggage => null;

    /// <summary>
    /// Opens the call, once: reads its context (whose cancellation token is <see cref="Token"/>), starts its deadline, writes
    /// its Start line (unless <see cref="Framed"/> is false: a bare probe writes no lines), logs what was malformed in the
    /// call's headers inside the frame, and makes the context current for the call's async flow. The one place a per-call
    /// concern (a trace, a metric) is added. Called first thing in the async method that runs the call, so the ambient
    /// context stays in that method's flow (an async method restores its caller's when it returns). The call's Activity
    /// starts here too, and is <see cref="Activity.Current"/> for the same flow: the handler's outgoing calls continue
    /// the call's trace.
    /// </summary>
    public void Open()
    {
        var parsed = ReadContext(Token);
        var context = parsed.Context;
        Context = context;
        var framed = Framed;
        // A bare probe (no request id) is no invocation: no Activity, no metrics, and no claim on the cold start.
        if (framed)
        {
            var coldStart = _services.Tracing.ClaimColdStart(Kind);
            Activity = _services.Tracing.Start(this, coldStart);
            _measuredFrom = _services.Metrics.Started(Kind, coldStart);
        }
        var function = context.FunctionParam;
        TimeoutSeconds = Kind == CallKind.Initialize ? function.InitializationTimeout : function.FunctionTimeout;
        if (TimeoutSeconds is > 0 and var seconds) _deadline.CancelAfter(TimeSpan.FromSeconds(seconds));

        if (framed)
        {
            var (start, end) = CallLines.Of(Kind, context.RequestId);
            _endLine = end;
            _services.Log.WriteStartLine(start);
            // A web endpoint that never returns must not keep its frame open for good (the log writer flushes when the
            // last open frame ends): its frame ends at the deadline. Event calls and hooks end theirs with their answer.
            if (Kind == CallKind.Http) _endAtDeadline = Token.UnsafeRegister(static state => ((FcCall)state!).EndFrame(), this);
        }
        foreach (var problem in parsed.Problems) _services.Log.WriteLog(LogLevel.Warning, context.RequestId, problem);
        _scope = InvocationScope.Enter(context);
    }

    /// <summary>Reads the call's context; its cancellation token must be <paramref name="token"/>.</summary>
    protected abstract ParsedContext ReadContext(CancellationToken token);

    /// <summary>Whether the call is an invocation FC marked (it writes its Start/End lines); false for a bare probe.</summary>
    public virtual bool Framed => true;

    /// <summary>Writes the End line, once: when the work is done and before the answer goes out, so whoever holds the answer finds the whole call in the log.</summary>
    public void EndFrame()
    {
        if (_endLine is not null && Interlocked.Exchange(ref _frameEnded, 1) == 0) _services.Log.WriteEndLine(_endLine);
    }

    /// <summary>The size of the event the call read, once read (for the metrics).</summary>
    public long? EventBytes { get; set; }

    /// <summary>The call succeeded: ends the frame and writes <paramref name="result"/> (status 200, <c>x-fc-status: 200</c>).</summary>
    public Task AnswerAsync(EventResult result, bool closeConnection = false)
    {
        EndFrame();
        var finishing = FinishAsync(errorType: null, timedOut: false, ResultBytes(result));
        return finishing.IsCompletedSuccessfully ? WriteResultAsync(result, closeConnection, Token) : AnswerAfterAsync(finishing, result, closeConnection);
    }

    private async Task AnswerAfterAsync(ValueTask finishing, EventResult result, bool closeConnection)
    {
        await finishing;
        await WriteResultAsync(result, closeConnection, Token);
    }

    /// <summary>
    /// Closes the call's telemetry before its answer goes out, once: stops its Activity, records its metrics and lets the
    /// app's telemetry export (<see cref="IFcTelemetryFlush"/>) send them, since FC may freeze the instance as soon as it
    /// has the answer. Completes synchronously when the app exports nothing.
    /// </summary>
    /// <param name="errorType">What failed (the exception's type, a web call's 5xx status), if the call failed.</param>
    /// <param name="timedOut">Whether the call ran past its deadline.</param>
    /// <param name="resultBytes">The answer's size, where known before it is written.</param>
    public ValueTask FinishAsync(string? errorType, bool timedOut, long? resultBytes) =>
        Finish(errorType, timedOut, resultBytes) && _services.Flush is { } flush ? flush.FlushAsync(Kind == CallKind.PreStop) : default;

    /// <summary>Stops the Activity and records the metrics, once; true the first time, for a call FC marked (a bare probe has nothing to flush).</summary>
    private bool Finish(string? errorType, bool timedOut, long? resultBytes)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return false;
        Activity?.Stop();
        _services.Metrics.Answered(Kind, _measuredFrom, errorType, timedOut, EventBytes, resultBytes);
        return Framed;
    }

    private static long? ResultBytes(EventResult result) =>
        result.Stream is { CanSeek: true } stream ? stream.Length - stream.Position : result.Stream is null ? result.Bytes.Length : null;

    /// <summary>
    /// The call failed: names the failure (a timeout is told apart from a handler's own error and a vanished caller),
    /// logs it, ends the frame and answers FC's error (404) with the runtime's verdicts free of stack frames.
    /// </summary>
    public Task FailAsync(Exception exception, bool closeConnection = false)
    {
        var logger = _services.RuntimeLogger;
        if (CallerGone.IsCancellationRequested)
        {
            logger.LogWarning("The caller closed the connection before the invocation finished ({Type}).", exception.GetType().Name);
            // Nobody waits for an answer: what the call recorded goes out with the export's next batch.
            Finish(exception.GetType().FullName, timedOut: false, resultBytes: null);
            return Task.CompletedTask;
        }
        exception = ErrorAnswer.Classify(exception, this);
        var verdict = ErrorAnswer.IsRuntimeVerdict(exception);
        if (verdict) logger.LogError("Invocation failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        else logger.LogError(exception, "Invocation failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        InvocationActivity.Fail(Activity, exception, Context);
        EndFrame();
        var finishing = FinishAsync(exception.GetType().FullName, exception is FunctionTimeoutException, resultBytes: null);
        // The caller of an event invocation is the one calling FC's API with the owner's keys: it gets the frames.
        var error = ErrorAnswer.ForInvocation(exception);
        return finishing.IsCompletedSuccessfully
            ? WriteErrorAsync(ErrorAnswer.NotFound, error, closeConnection)
            : FailAfterAsync(finishing, error, closeConnection);
    }

    private async Task FailAfterAsync(ValueTask finishing, Contract.ErrorResponse error, bool closeConnection)
    {
        await finishing;
        await WriteErrorAsync(ErrorAnswer.NotFound, error, closeConnection);
    }

    /// <summary>Writes the contract's error answer with the given status, the call's secrets masked out of it: the one error writer.</summary>
    /// <param name="status">The HTTP status (404 for an invocation, 500 or Kestrel's for a web call).</param>
    /// <param name="error">The error JSON, before masking.</param>
    /// <param name="closeConnection">Ask the caller not to reuse the connection (the request cannot finish normally).</param>
    public Task WriteErrorAsync(int status, Contract.ErrorResponse error, bool closeConnection = false) =>
        WriteErrorBodyAsync(status, ErrorAnswer.Serialize(error, Context.Credentials), closeConnection);

    /// <summary>Whether the call's deadline passed (as opposed to the caller leaving).</summary>
    public bool DeadlinePassed => _deadline.IsCancellationRequested && !CallerGone.IsCancellationRequested;

    /// <summary>The size the caller declared for the event, if it did.</summary>
    public abstract long? DeclaredLength { get; }

    /// <summary>Buffers the event, up to <paramref name="limit"/> bytes (<see cref="EventTooLargeException"/> past it).</summary>
    public abstract ValueTask<PooledEventStream> ReadEventAsync(long limit, CancellationToken token);

    /// <summary>Gets rid of an input the call does not need; true when it was left unread and the answer must close the connection.</summary>
    public abstract ValueTask<bool> SkipInputAsync();

    /// <summary>Writes a successful answer.</summary>
    protected abstract Task WriteResultAsync(EventResult result, bool closeConnection, CancellationToken token);

    /// <summary>Writes an error answer of the given status, <c>x-fc-status: 404</c>, JSON body.</summary>
    protected abstract Task WriteErrorBodyAsync(int status, byte[] body, bool closeConnection);

    public void Dispose()
    {
        EndFrame();
        // A call that ended without an answer of the runtime's (a refused web call) still counts.
        Finish(errorType: null, timedOut: false, resultBytes: null);
        _endAtDeadline.Dispose();
        _scope.Dispose();
        Activity?.Dispose();
        _deadline.Dispose();
    }
}
