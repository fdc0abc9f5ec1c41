using FunctionCompute.Runtime.Invocation;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime;

/// <summary>A mapped event handler, to add invocation filters to (as a minimal API's <c>RouteHandlerBuilder</c> takes endpoint filters).</summary>
public sealed class EventHandlerMapping
{
    private readonly EventEndpoint _endpoint;

    internal EventHandlerMapping(EventEndpoint endpoint) => _endpoint = endpoint;

    /// <summary>The name the handler is mapped under.</summary>
    public string Name => _endpoint.Name;

    /// <summary>Adds a filter that runs around this handler, inside the filters added before it and the app's filters.</summary>
    public EventHandlerMapping AddFilter(IEventInvocationFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return AddFilter(filter.InvokeAsync);
    }

    /// <summary>Adds a filter (a lambda) that runs around this handler: call <c>next(context)</c> to go on.</summary>
    public EventHandlerMapping AddFilter(Func<FcInvocationContext, FcInvocationDelegate, ValueTask<EventResult>> filter)
    {
        _endpoint.AddFilter(Wrap(filter));
        return this;
    }

    /// <summary>Adds a filter resolved from each invocation's scope (register <typeparamref name="TFilter"/> in <c>builder.Services</c>).</summary>
    public EventHandlerMapping AddFilter<TFilter>() where TFilter : class, IEventInvocationFilter
    {
        _endpoint.AddFilter(FromServices<TFilter>());
        return this;
    }

    internal static Func<FcInvocationDelegate, FcInvocationDelegate> Wrap(Func<FcInvocationContext, FcInvocationDelegate, ValueTask<EventResult>> filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return next => context => filter(context, next);
    }

    internal static Func<FcInvocationDelegate, FcInvocationDelegate> FromServices<TFilter>() where TFilter : class, IEventInvocationFilter =>
        next => context => context.Services.GetRequiredService<TFilter>().InvokeAsync(context, next);
}
