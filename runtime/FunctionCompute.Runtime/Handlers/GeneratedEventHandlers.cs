using System.ComponentModel;
using FunctionCompute.Runtime.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime;

/// <summary>
/// What the code written by the FunctionCompute.Runtime source generator calls (its interceptors of <c>MapEvent</c>).
/// Not for hand-written code: its shape follows the generator's.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedEventHandlers
{
    /// <summary>Maps a handler whose event is read as JSON into <typeparamref name="TEvent"/> before the filters run.</summary>
    /// <param name="app">The app.</param>
    /// <param name="name">The handler's name.</param>
    /// <param name="handler">The binding: takes the event from <see cref="FcInvocationContext.Event"/> and the services from its scope.</param>
    /// <param name="resultType">The JSON result's type, checked before the handler first runs; null for other results.</param>
    /// <param name="services">The services the handler takes: each must be registered (checked here, at startup).</param>
    public static EventHandlerMapping MapJson<TEvent>(WebApplication app, string name, FcInvocationDelegate handler, Type? resultType, params Type[] services) =>
        Map(app, new EventEndpoint(name, handler, new JsonEventReader<TEvent>(), resultType), services);

    /// <summary>Maps a handler that takes the event's stream, or no event (<see cref="FcInvocationContext.Event"/> is the stream).</summary>
    /// <param name="app">The app.</param>
    /// <param name="name">The handler's name.</param>
    /// <param name="handler">The binding.</param>
    /// <param name="resultType">The JSON result's type, checked before the handler first runs; null for other results.</param>
    /// <param name="services">The services the handler takes: each must be registered (checked here, at startup).</param>
    public static EventHandlerMapping MapRaw(WebApplication app, string name, FcInvocationDelegate handler, Type? resultType, params Type[] services) =>
        Map(app, new EventEndpoint(name, handler, reader: null, resultType), services);

    /// <summary>A class handler constructed for this invocation, disposed with its scope after the answer (when disposable).</summary>
    /// <typeparam name="THandler">The handler's type.</typeparam>
    /// <param name="context">The invocation.</param>
    /// <param name="handler">The handler, just constructed.</param>
    public static THandler Owned<THandler>(FcInvocationContext context, THandler handler)
        where THandler : class => context.Own(handler);

    /// <summary>A JSON result, through the app's event JSON options.</summary>
    public static EventResult Json<T>(FcInvocationContext context, T value) => EventJson.Serialize(value, EventJson.Require<T>(context.JsonOptions));

    /// <summary>A text result (empty for null).</summary>
    public static EventResult Text(FcInvocationContext context, string? value) => value is null ? EventResult.Empty : EventResult.FromText(value);

    /// <summary>A bytes result (empty for null).</summary>
    public static EventResult Bytes(FcInvocationContext context, byte[]? value) => value is null ? EventResult.Empty : EventResult.FromBytes(value);

    /// <summary>A stream result (empty for null).</summary>
    public static EventResult Stream(FcInvocationContext context, Stream? value) => value is null ? EventResult.Empty : EventResult.FromStream(value);

    /// <summary>An <see cref="EventResult"/> as it is.</summary>
    public static EventResult Result(FcInvocationContext context, EventResult value) => value;

    /// <summary>Awaits a handler's task and converts its value; no state machine when it has already finished.</summary>
    public static ValueTask<EventResult> Await<T>(FcInvocationContext context, Task<T> task, Func<FcInvocationContext, T, EventResult> convert) =>
        task.IsCompletedSuccessfully ? new ValueTask<EventResult>(convert(context, task.Result)) : AwaitSlowAsync(context, task, convert);

    /// <summary>Awaits a handler's value task and converts its value; no state machine when it has already finished.</summary>
    public static ValueTask<EventResult> Await<T>(FcInvocationContext context, ValueTask<T> task, Func<FcInvocationContext, T, EventResult> convert) =>
        task.IsCompletedSuccessfully ? new ValueTask<EventResult>(convert(context, task.Result)) : AwaitSlowAsync(context, task, convert);

    /// <summary>Awaits a handler's task that returns nothing: an empty result.</summary>
    public static ValueTask<EventResult> Await(Task task) => task.IsCompletedSuccessfully ? new ValueTask<EventResult>(EventResult.Empty) : AwaitSlowAsync(task);

    /// <summary>Awaits a handler's value task that returns nothing: an empty result.</summary>
    public static ValueTask<EventResult> Await(ValueTask task) => task.IsCompletedSuccessfully ? new ValueTask<EventResult>(EventResult.Empty) : AwaitSlowAsync(task.AsTask());

    /// <summary>The error of a <c>MapEvent</c> call the generator did not intercept.</summary>
    internal static InvalidOperationException NotGenerated(string call) => new(
        $"{call} is bound at compile time by the FunctionCompute.Runtime source generator, which did not intercept this call. " +
        "Reference the FunctionCompute.Runtime package (it brings the generator; in this repository: the generator project as an Analyzer) " +
        "and keep FunctionCompute.Runtime.Generated in the InterceptorsNamespaces property, or map a (TEvent, IFcContext) delegate with a JsonSerializerContext.");

    /// <summary>Checks at startup that a keyed service the handler takes is registered under its key.</summary>
    /// <param name="app">The app.</param>
    /// <param name="mapping">The handler's mapping.</param>
    /// <param name="service">The service's type.</param>
    /// <param name="key">The key it is taken under (<c>[FromKeyedServices(key)]</c>).</param>
    public static EventHandlerMapping RequireKeyedService(WebApplication app, EventHandlerMapping mapping, Type service, object? key)
    {
        if (app.Services.GetService<IServiceProviderIsKeyedService>() is { } known && !known.IsKeyedService(service, key))
        {
            throw new InvalidOperationException(
                $"The event handler '{mapping.Name}' takes a {service.Name} ({service.FullName}) keyed \"{key}\", which is not registered under that key: add it with builder.Services.AddKeyed... before Build().");
        }
        return mapping;
    }

    private static EventHandlerMapping Map(WebApplication app, EventEndpoint endpoint, Type[] services)
    {
        var known = app.Services.GetRequiredService<IServiceProviderIsService>();
        foreach (var service in services)
        {
            if (!known.IsService(service))
            {
                throw new InvalidOperationException(
                    $"The event handler '{endpoint.Name}' takes a {service.Name} ({service.FullName}), which is not registered: add it to builder.Services before Build().");
            }
        }
        app.Services.GetRequiredService<EventHandlerRegistry>().Add(endpoint);
        return new EventHandlerMapping(endpoint);
    }

    private static async ValueTask<EventResult> AwaitSlowAsync<T>(FcInvocationContext context, Task<T> task, Func<FcInvocationContext, T, EventResult> convert) =>
        convert(context, await task);

    private static async ValueTask<EventResult> AwaitSlowAsync<T>(FcInvocationContext context, ValueTask<T> task, Func<FcInvocationContext, T, EventResult> convert) =>
        convert(context, await task);

    private static async ValueTask<EventResult> AwaitSlowAsync(Task task)
    {
        await task;
        return EventResult.Empty;
    }
}
