using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime;

/// <summary>
/// Registers event handlers and lifecycle callbacks on an app made by <see cref="FunctionApp.CreateBuilder"/>.
/// Handlers are plain delegates, or are bound at compile time by the package's source generator: no reflection, so the
/// app stays Native AOT clean.
/// </summary>
public static class FunctionAppExtensions
{
    /// <summary>Maps an event handler in the runtime's own shape (bytes in, <see cref="EventResult"/> out).</summary>
    public static WebApplication MapEvent(this WebApplication app, string name, FcEventHandler handler)
    {
        app.Services.GetRequiredService<EventHandlerRegistry>().Add(name, handler);
        return app;
    }

    /// <summary>Maps a raw handler: the event bytes as a stream in, the result stream out (like FC's <c>Stream Handle(Stream, IFcContext)</c>).</summary>
    public static WebApplication MapEvent(this WebApplication app, string name, Func<Stream, IFcContext, Stream> handler) =>
        app.MapEvent(name, (input, context) => new ValueTask<EventResult>(EventResult.FromStream(handler(input, context))));

    /// <summary>Maps an asynchronous raw handler.</summary>
    public static WebApplication MapEvent(this WebApplication app, string name, Func<Stream, IFcContext, Task<Stream>> handler) =>
        app.MapEvent(name, async (input, context) => EventResult.FromStream(await handler(input, context)));

    /// <summary>Maps a typed handler: the event is read as JSON into <typeparamref name="TEvent"/>, the result written as JSON.</summary>
    public static WebApplication MapEvent<TEvent, TResult>(this WebApplication app, string name,
        Func<TEvent, IFcContext, TResult> handler, JsonTypeInfo<TEvent> eventType, JsonTypeInfo<TResult> resultType) =>
        app.MapTyped(name, handler, new Contract<TEvent>(eventType), new Contract<TResult>(resultType));

    /// <summary>Maps an asynchronous typed handler.</summary>
    public static WebApplication MapEvent<TEvent, TResult>(this WebApplication app, string name,
        Func<TEvent, IFcContext, Task<TResult>> handler, JsonTypeInfo<TEvent> eventType, JsonTypeInfo<TResult> resultType) =>
        app.MapTyped(name, handler, new Contract<TEvent>(eventType), new Contract<TResult>(resultType));

    /// <summary>Maps a handler with a typed JSON event whose result is in the runtime's own shape (text, bytes or a stream).</summary>
    public static WebApplication MapEvent<TEvent>(this WebApplication app, string name,
        Func<TEvent, IFcContext, Task<EventResult>> handler, JsonTypeInfo<TEvent> eventType) =>
        app.MapTyped(name, handler, new Contract<TEvent>(eventType));

    /// <summary>
    /// Maps a typed handler whose JSON contracts come from a source-generated <see cref="JsonSerializerContext"/>.
    /// The contracts are built on the handler's first call, not at startup (see <see cref="Contract{T}"/>).
    /// </summary>
    public static WebApplication MapEvent<TEvent, TResult>(this WebApplication app, string name,
        Func<TEvent, IFcContext, TResult> handler, JsonSerializerContext json) =>
        app.MapTyped(name, handler, new Contract<TEvent>(json), new Contract<TResult>(json));

    /// <summary>Maps an asynchronous typed handler whose JSON contracts come from a source-generated <see cref="JsonSerializerContext"/> (built on first call).</summary>
    public static WebApplication MapEvent<TEvent, TResult>(this WebApplication app, string name,
        Func<TEvent, IFcContext, Task<TResult>> handler, JsonSerializerContext json) =>
        app.MapTyped(name, handler, new Contract<TEvent>(json), new Contract<TResult>(json));

    /// <summary>Maps a handler with a typed JSON event from a source-generated <see cref="JsonSerializerContext"/> (built on first call) whose result is in the runtime's own shape.</summary>
    public static WebApplication MapEvent<TEvent>(this WebApplication app, string name,
        Func<TEvent, IFcContext, Task<EventResult>> handler, JsonSerializerContext json) =>
        app.MapTyped(name, handler, new Contract<TEvent>(json));

    // One body per handler shape, whether the contracts were given built or are looked up on first call. Both
    // contracts are resolved before the handler runs: a missing one must not fail the call after its side effects.
    private static WebApplication MapTyped<TEvent, TResult>(this WebApplication app, string name,
        Func<TEvent, IFcContext, TResult> handler, Contract<TEvent> eventType, Contract<TResult> resultType) =>
        app.MapEvent(name, async (input, context) =>
        {
            var (eventInfo, resultInfo) = (eventType.Info, resultType.Info);
            return EventJson.Serialize(handler(await EventJson.DeserializeAsync(input, eventInfo, context.CancellationToken), context), resultInfo);
        });

    private static WebApplication MapTyped<TEvent, TResult>(this WebApplication app, string name,
        Func<TEvent, IFcContext, Task<TResult>> handler, Contract<TEvent> eventType, Contract<TResult> resultType) =>
        app.MapEvent(name, async (input, context) =>
        {
            var (eventInfo, resultInfo) = (eventType.Info, resultType.Info);
            return EventJson.Serialize(await handler(await EventJson.DeserializeAsync(input, eventInfo, context.CancellationToken), context), resultInfo);
        });

    private static WebApplication MapTyped<TEvent>(this WebApplication app, string name,
        Func<TEvent, IFcContext, Task<EventResult>> handler, Contract<TEvent> eventType) =>
        app.MapEvent(name, async (input, context) => await handler(await EventJson.DeserializeAsync(input, eventType.Info, context.CancellationToken), context));

    /// <summary>
    /// Maps an event handler whose parameters are bound by type, as a minimal API endpoint's are: the event (JSON through
    /// the app's <see cref="EventJsonOptions"/>, or the raw <see cref="Stream"/>), <see cref="IFcContext"/>,
    /// <see cref="CancellationToken"/>, <c>ILogger&lt;T&gt;</c> and any registered service, from the invocation's DI scope.
    /// The binding is written at compile time by the source generator the FunctionCompute.Runtime package brings (it
    /// intercepts this call): no reflection, Native AOT clean. Without the generator the call throws.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="name">The handler's name (the function's <c>handler</c> setting).</param>
    /// <param name="handler">A lambda or method: sync or async, returning a JSON value, <see cref="EventResult"/>, <see cref="Stream"/>, <c>byte[]</c>, <see cref="string"/> or nothing.</param>
    /// <returns>The mapping, to add filters to.</returns>
    public static EventHandlerMapping MapEvent(this WebApplication app, string name, Delegate handler) =>
        throw GeneratedEventHandlers.NotGenerated($"MapEvent(\"{name}\", handler)");

    /// <summary>
    /// Maps a class handler (<see cref="IEventHandler{TEvent, TResult}"/>), constructed for each invocation with its
    /// constructor's parameters from the invocation's DI scope. Written at compile time by the package's source generator.
    /// </summary>
    /// <typeparam name="THandler">The handler class; it implements <see cref="IEventHandler{TEvent, TResult}"/> once and has one public constructor.</typeparam>
    /// <param name="app">The app.</param>
    /// <param name="name">The handler's name.</param>
    /// <returns>The mapping, to add filters to.</returns>
    public static EventHandlerMapping MapEvent<THandler>(this WebApplication app, string name) where THandler : class =>
        throw GeneratedEventHandlers.NotGenerated($"MapEvent<{typeof(THandler).Name}>(\"{name}\")");

    /// <summary>Adds a filter that runs around every event handler of the app, before the mappings' own filters.</summary>
    public static WebApplication AddEventFilter(this WebApplication app, IEventInvocationFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return app.AddEventFilter(filter.InvokeAsync);
    }

    /// <summary>Adds a filter (a lambda) that runs around every event handler of the app, before the mappings' own filters.</summary>
    public static WebApplication AddEventFilter(this WebApplication app, Func<FcInvocationContext, FcInvocationDelegate, ValueTask<EventResult>> filter)
    {
        app.Services.GetRequiredService<EventHandlerServices>().Filters.Add(EventHandlerMapping.Wrap(filter));
        return app;
    }

    /// <summary>
    /// Adds a filter that runs around every event handler of the app, resolved from each invocation's scope (register
    /// <typeparamref name="TFilter"/> in <c>builder.Services</c>).
    /// </summary>
    public static WebApplication AddEventFilter<TFilter>(this WebApplication app) where TFilter : class, IEventInvocationFilter
    {
        app.Services.GetRequiredService<EventHandlerServices>().Filters.Add(EventHandlerMapping.FromServices<TFilter>());
        return app;
    }

    /// <summary>Runs <paramref name="initializer"/> once per instance, before the first invocation.</summary>
    public static WebApplication OnInitialize(this WebApplication app, Func<IFcContext, Task> initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return app.OnInitialize((context, _) => initializer(context));
    }

    /// <summary>Runs <paramref name="initializer"/> once per instance, before the first invocation, with a DI scope of its own.</summary>
    public static WebApplication OnInitialize(this WebApplication app, Func<IFcContext, IServiceProvider, Task> initializer)
    {
        app.Services.GetRequiredService<FunctionLifecycle>().Initializer = initializer;
        return app;
    }

    /// <summary>Runs <paramref name="initializer"/> once per instance, before the first invocation.</summary>
    public static WebApplication OnInitialize(this WebApplication app, Action<IFcContext> initializer) =>
        app.OnInitialize(context => { initializer(context); return Task.CompletedTask; });

    /// <summary>Runs <paramref name="preStop"/> when FC is about to stop the instance (flush buffers, close connections).</summary>
    public static WebApplication OnPreStop(this WebApplication app, Func<IFcContext, Task> preStop)
    {
        ArgumentNullException.ThrowIfNull(preStop);
        return app.OnPreStop((context, _) => preStop(context));
    }

    /// <summary>Runs <paramref name="preStop"/> when FC is about to stop the instance, with a DI scope of its own.</summary>
    public static WebApplication OnPreStop(this WebApplication app, Func<IFcContext, IServiceProvider, Task> preStop)
    {
        app.Services.GetRequiredService<FunctionLifecycle>().PreStop = preStop;
        return app;
    }

    /// <summary>Runs <paramref name="preFreeze"/> when FC 2.0 is about to freeze the instance.</summary>
    public static WebApplication OnPreFreeze(this WebApplication app, Func<IFcContext, Task> preFreeze)
    {
        ArgumentNullException.ThrowIfNull(preFreeze);
        return app.OnPreFreeze((context, _) => preFreeze(context));
    }

    /// <summary>Runs <paramref name="preFreeze"/> when FC 2.0 is about to freeze the instance, with a DI scope of its own.</summary>
    public static WebApplication OnPreFreeze(this WebApplication app, Func<IFcContext, IServiceProvider, Task> preFreeze)
    {
        app.Services.GetRequiredService<FunctionLifecycle>().PreFreeze = preFreeze;
        return app;
    }

    /// <summary>
    /// A JSON contract looked up in a source-generated context on first use. An app maps all its handlers at
    /// startup, but an instance serves the one function it was started for, and building a contract (converters,
    /// property metadata, code touched for the first time) costs from 0.1 to 3 ms each: about 5 ms of the sample
    /// package's cold start for its 10 typed handlers when they were built eagerly.
    /// </summary>
    private sealed class Contract<T>
    {
        private readonly JsonSerializerContext? _json;
        private JsonTypeInfo<T>? _info;

        /// <summary>A contract the caller built already.</summary>
        public Contract(JsonTypeInfo<T> info) => _info = info ?? throw new ArgumentNullException(nameof(info));

        /// <summary>A contract looked up in <paramref name="json"/> on first use.</summary>
        public Contract(JsonSerializerContext json) => _json = json ?? throw new ArgumentNullException(nameof(json));

        public JsonTypeInfo<T> Info => _info ??= _json!.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new InvalidOperationException($"{_json.GetType().Name} has no JSON contract for {typeof(T).Name}: add [JsonSerializable(typeof({typeof(T).Name}))].");
    }
}
