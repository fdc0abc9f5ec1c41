using System.Text.Json;
using FunctionCompute.Runtime.Invocation;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime;

/// <summary>
/// One event invocation as handlers and invocation filters see it (the counterpart of minimal APIs'
/// <c>EndpointFilterInvocationContext</c>): the FC context, the event, and the invocation's own DI scope.
/// </summary>
/// <remarks>
/// The scope is created the first time <see cref="Services"/> is read (a handler that takes no service pays nothing for
/// it) and disposed after the invocation's answer is written, or once the handler has finished when it outlives its
/// timeout. <see cref="IFcContext"/> resolves from it to <see cref="Context"/>.
/// </remarks>
public sealed class FcInvocationContext
{
    private readonly EventHandlerServices _app;
    private AsyncServiceScope? _scope;
    private List<object>? _owned;

    internal FcInvocationContext(IFcContext context, string handlerName, Stream input, EventHandlerServices app)
    {
        Context = context;
        HandlerName = handlerName;
        Input = input;
        _app = app;
    }

    /// <summary>The invocation's FC context.</summary>
    public IFcContext Context { get; }

    /// <summary>The name the handler was mapped under.</summary>
    public string HandlerName { get; }

    /// <summary>
    /// The event: the typed value once read (filters run after it is read), or the event's <see cref="Stream"/> for a handler
    /// that takes the raw bytes or no event. A filter may replace it with another value of the same type.
    /// </summary>
    public object? Event { get; set; }

    /// <summary>Cancelled when the invocation times out or the caller goes away.</summary>
    public CancellationToken CancellationToken => Context.CancellationToken;

    /// <summary>The invocation's DI scope: scoped services live until the answer is written.</summary>
    public IServiceProvider Services => (_scope ??= _app.ScopeFactory.CreateAsyncScope()).ServiceProvider;

    /// <summary>The app's event JSON options (<see cref="EventJsonServiceCollectionExtensions.ConfigureEventJsonOptions"/>).</summary>
    public JsonSerializerOptions JsonOptions => _app.Json;

    /// <summary>The event's bytes, buffered by the runtime.</summary>
    internal Stream Input { get; }

    /// <summary>
    /// Takes <paramref name="instance"/> to be disposed with the scope, when it is disposable: a class handler the runtime
    /// constructed is the invocation's, as a scoped service is (ASP.NET Core disposes the controllers it activates alike).
    /// </summary>
    internal T Own<T>(T instance)
        where T : class
    {
        if (instance is IAsyncDisposable or IDisposable) (_owned ??= []).Add(instance);
        return instance;
    }

    /// <summary>Disposes what the invocation owns (last constructed first), then the scope, if one was created.</summary>
    internal async ValueTask DisposeScopeAsync()
    {
        if (_owned is { } owned)
        {
            _owned = null;
            for (var i = owned.Count - 1; i >= 0; i--)
            {
                if (owned[i] is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
                else ((IDisposable)owned[i]).Dispose();
            }
        }
        if (_scope is { } scope) await scope.DisposeAsync();
    }
}
