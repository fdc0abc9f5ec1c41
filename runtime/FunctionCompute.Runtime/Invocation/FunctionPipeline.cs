using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// The HTTP-free core: runs an opened event or lifecycle call and answers it through the call. Kestrel's contract
/// middleware and the test kit both call it, so a test gets the answers the deployed function gives.
/// </summary>
internal sealed class FunctionPipeline
{
    private readonly EventInvocation _events;
    private readonly HookInvocation _hooks;

    public FunctionPipeline(EventHandlerRegistry registry, FunctionLifecycle lifecycle, EventHandlerServices app, long maxEventBytes)
    {
        Registry = registry;
        Initializer = new InitializerGate(lifecycle, app.ScopeFactory);
        _events = new EventInvocation(registry, Initializer, app, maxEventBytes);
        _hooks = new HookInvocation(lifecycle, Initializer, app.ScopeFactory);
    }

    public EventHandlerRegistry Registry { get; }

    /// <summary>The once-per-instance initializer, which a web request also waits for.</summary>
    public InitializerGate Initializer { get; }

    /// <summary>
    /// Opens <paramref name="call"/> (<see cref="FcCall.Open"/>), runs it to its one answer and closes it. One async method
    /// per call (the event's or the hook's runner does all three): the hot path pays for no extra state machine.
    /// </summary>
    public Task RunAsync(FcCall call) => call.Kind == CallKind.Invoke ? _events.RunAsync(call) : _hooks.RunAsync(call);
}
