namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// Answers the timeout for a handler that still holds the request's thread at the deadline (synchronous I/O,
/// <c>Thread.Sleep</c>, a deadlock before its first await): such a handler never reaches the await where the
/// runtime's timeout would otherwise win. Handlers are called inline because a thread-pool hop for every
/// invocation cost 6–12 % of echo throughput (bench, side by side); this watchdog is the price of that, paid
/// only by the rare handler that does not give its thread back in time.
/// </summary>
/// <remarks>
/// Exactly one side answers: the request thread when the handler's synchronous part returns first
/// (<see cref="TryClaimAnswer"/>), or the watchdog when the deadline comes first. Event handlers never see the
/// <c>HttpContext</c>, so writing the answer from here while the handler is blocked touches nothing it uses.
/// </remarks>
internal sealed class BlockedHandlerWatchdog
{
    private const int HandlerRunning = 0, HandlerReturned = 1, WatchdogAnswered = 2;
    private readonly FcCall _call;
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _registration;
    private int _state;

    /// <param name="call">The call: its token is cancelled at the function timeout or when the caller goes away, and the watchdog answers through it.</param>
    public BlockedHandlerWatchdog(FcCall call)
    {
        _call = call;
        // Register (not UnsafeRegister): the answer's log lines need the invocation's scope.
        _registration = call.Token.Register(static state => ((BlockedHandlerWatchdog)state!).DeadlinePassed(), this);
    }

    /// <summary>Completes when the watchdog has written its answer.</summary>
    public Task Answered => _answered.Task;

    /// <summary>
    /// Called once the handler's synchronous part returned or threw: true when the request thread still owns the
    /// answer. Either way the deadline is no longer watched.
    /// </summary>
    public bool TryClaimAnswer()
    {
        var claimed = Interlocked.CompareExchange(ref _state, HandlerReturned, HandlerRunning) == HandlerRunning;
        _registration.Dispose();
        return claimed;
    }

    private void DeadlinePassed()
    {
        if (Interlocked.CompareExchange(ref _state, WatchdogAnswered, HandlerRunning) != HandlerRunning) return;
        // The deadline callback runs on a timer thread: do the writing elsewhere.
        _ = Task.Run(AnswerTimeoutAsync);
    }

    private async Task AnswerTimeoutAsync()
    {
        // The answer cannot wait for the request to finish (its thread is blocked): the connection closes after it.
        try { await _call.FailAsync(new OperationCanceledException(), closeConnection: true); }
        finally { _answered.TrySetResult(); }
    }
}
