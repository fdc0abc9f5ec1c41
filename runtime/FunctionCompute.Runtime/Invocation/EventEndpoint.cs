using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// One mapped event handler: how its event is read, the handler itself (the binding code the source generator wrote, or an
/// adapted delegate) and its filters. The chain of filters is composed on the first call, after the app has added them all.
/// </summary>
internal sealed class EventEndpoint
{
    private readonly FcInvocationDelegate _handler;
    private readonly EventReader? _reader;
    private readonly Type? _resultType;
    private readonly List<Func<FcInvocationDelegate, FcInvocationDelegate>> _filters = [];
    private FcInvocationDelegate? _pipeline;
    private volatile bool _contractsChecked;

    /// <param name="name">The name it is mapped under.</param>
    /// <param name="handler">Runs the handler with <see cref="FcInvocationContext.Event"/> already read.</param>
    /// <param name="reader">Reads the event; null when the handler takes the raw stream (the event is the stream).</param>
    /// <param name="resultType">A JSON result's type, whose contract is checked before the handler first runs.</param>
    public EventEndpoint(string name, FcInvocationDelegate handler, EventReader? reader = null, Type? resultType = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _reader = reader;
        _resultType = resultType;
    }

    public string Name { get; }

    /// <summary>Adds a filter inside the filters added before it.</summary>
    public void AddFilter(Func<FcInvocationDelegate, FcInvocationDelegate> filter) => _filters.Add(filter);

    /// <summary>Reads the event and runs the filters and the handler.</summary>
    public ValueTask<EventResult> InvokeAsync(FcInvocationContext context, List<Func<FcInvocationDelegate, FcInvocationDelegate>> appFilters)
    {
        var pipeline = _pipeline ??= Compose(appFilters);
        if (!_contractsChecked) CheckContracts(context.JsonOptions);
        if (_reader is null)
        {
            context.Event = context.Input;
            return pipeline(context);
        }
        return ReadThenInvokeAsync(context, _reader, pipeline);
    }

    private static async ValueTask<EventResult> ReadThenInvokeAsync(FcInvocationContext context, EventReader reader, FcInvocationDelegate pipeline)
    {
        context.Event = await reader.ReadAsync(context);
        return await pipeline(context);
    }

    /// <summary>Both contracts are looked up before the handler runs: a missing one must not fail the call after its side effects.</summary>
    private void CheckContracts(JsonSerializerOptions json)
    {
        _reader?.Check(json);
        if (_resultType is not null) EventJson.Require(json, _resultType);
        _contractsChecked = true;
    }

    private FcInvocationDelegate Compose(List<Func<FcInvocationDelegate, FcInvocationDelegate>> appFilters)
    {
        var next = _handler;
        for (var i = _filters.Count - 1; i >= 0; i--) next = _filters[i](next);
        for (var i = appFilters.Count - 1; i >= 0; i--) next = appFilters[i](next);
        return next;
    }
}

/// <summary>Reads an event into the handler's type.</summary>
internal abstract class EventReader
{
    public abstract ValueTask<object?> ReadAsync(FcInvocationContext context);

    /// <summary>Throws the clear error for a missing contract.</summary>
    public abstract void Check(JsonSerializerOptions json);
}

/// <summary>Reads a JSON event through the app's event JSON options; the contract is looked up once.</summary>
internal sealed class JsonEventReader<T> : EventReader
{
    private JsonTypeInfo<T>? _info;

    public override void Check(JsonSerializerOptions json) => _info ??= EventJson.Require<T>(json);

    public override async ValueTask<object?> ReadAsync(FcInvocationContext context) =>
        await EventJson.DeserializeAsync(context.Input, _info ??= EventJson.Require<T>(context.JsonOptions), context.CancellationToken);
}

/// <summary>The event JSON helpers: one place for reading events, writing results and naming a missing contract.</summary>
internal static class EventJson
{
    public static JsonTypeInfo<T> Require<T>(JsonSerializerOptions json) => (JsonTypeInfo<T>)Require(json, typeof(T));

    public static JsonTypeInfo Require(JsonSerializerOptions json, Type type)
    {
        try
        {
            return json.GetTypeInfo(type);
        }
        catch (Exception exception) when (exception is NotSupportedException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"The app's event JSON options have no contract for {type.Name}: add [JsonSerializable(typeof({type.Name}))] to a JsonSerializerContext " +
                "and register it with builder.Services.ConfigureEventJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, MyJson.Default)).",
                exception);
        }
    }

    public static async ValueTask<TEvent> DeserializeAsync<TEvent>(Stream input, JsonTypeInfo<TEvent> type, CancellationToken token)
    {
        TEvent? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync(input, type, token);
        }
        catch (JsonException exception)
        {
            throw new InvalidEventException($"The event is not valid JSON for {typeof(TEvent).Name}: {exception.Message}", exception);
        }
        return value ?? throw new InvalidEventException($"The event is JSON null; expected {typeof(TEvent).Name}.");
    }

    public static EventResult Serialize<TResult>(TResult result, JsonTypeInfo<TResult> type) =>
        EventResult.FromBytes(JsonSerializer.SerializeToUtf8Bytes(result, type), EventResult.Json);
}
