namespace FunctionCompute.Runtime;

/// <summary>The next step of an event invocation: the next filter, or the handler itself.</summary>
public delegate ValueTask<EventResult> FcInvocationDelegate(FcInvocationContext context);

/// <summary>
/// Runs around an event handler, like an ASP.NET Core <c>IEndpointFilter</c>: inside the invocation's DI scope and log
/// frame, after the event is read. Call <c>next(context)</c> to go on; return a result without calling it, or throw, to
/// short-circuit (a thrown exception becomes the invocation's error answer, as a handler's does).
/// </summary>
/// <remarks>
/// Filters for all handlers (<see cref="FunctionAppExtensions.AddEventFilter(Microsoft.AspNetCore.Builder.WebApplication, IEventInvocationFilter)"/>)
/// run first, in the order added, then the mapping's own (<see cref="EventHandlerMapping.AddFilter(IEventInvocationFilter)"/>).
/// </remarks>
public interface IEventInvocationFilter
{
    /// <summary>Runs the filter.</summary>
    /// <param name="context">The invocation: FC context, event, scope.</param>
    /// <param name="next">The rest of the chain.</param>
    ValueTask<EventResult> InvokeAsync(FcInvocationContext context, FcInvocationDelegate next);
}
