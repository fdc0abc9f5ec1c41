using System.Diagnostics.CodeAnalysis;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// The app's event handlers by name: the name is what <c>x-fc-function-handler</c> carries
/// (the <c>handler</c> of the function in s.yaml).
/// </summary>
internal sealed class EventHandlerRegistry
{
    private readonly Dictionary<string, EventEndpoint> _handlers = new(StringComparer.Ordinal);
    private EventEndpoint? _single;

    /// <summary>The registered names, in no particular order.</summary>
    public IReadOnlyCollection<string> Names => _handlers.Keys;

    /// <summary>Whether any event handler is registered.</summary>
    public bool IsEmpty => _handlers.Count == 0;

    /// <summary>Registers a handler in the runtime's own shape under <paramref name="name"/>; filters see the event's stream.</summary>
    /// <exception cref="ArgumentException">The name is empty or already taken.</exception>
    public EventEndpoint Add(string name, FcEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new EventEndpoint(name, context => handler(context.Input, context.Context)));
    }

    /// <summary>Registers <paramref name="endpoint"/> under its name.</summary>
    /// <exception cref="ArgumentException">The name is already taken.</exception>
    public EventEndpoint Add(EventEndpoint endpoint)
    {
        if (!_handlers.TryAdd(endpoint.Name, endpoint)) throw new ArgumentException($"An event handler named '{endpoint.Name}' is already registered.", "name");
        _single = _handlers.Count == 1 ? endpoint : null;
        return endpoint;
    }

    /// <summary>
    /// Finds the handler for a call. With one handler, every call reaches it whatever the header says
    /// (FC's default handler string is meaningless for custom runtimes); with several, the name must match.
    /// </summary>
    public bool TryResolve(string? requestedName, [NotNullWhen(true)] out EventEndpoint? handler, [NotNullWhen(false)] out string? error)
    {
        if (_single is not null)
        {
            (handler, error) = (_single, null);
            return true;
        }
        if (!string.IsNullOrEmpty(requestedName) && _handlers.TryGetValue(requestedName, out handler))
        {
            error = null;
            return true;
        }
        handler = null;
        var known = _handlers.Count == 0 ? "none" : string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal));
        error = string.IsNullOrEmpty(requestedName)
            ? $"The call named no handler (header x-fc-function-handler is missing) and this app has several; registered handlers: {known}."
            : $"No event handler named '{requestedName}' (from header x-fc-function-handler); registered handlers: {known}.";
        return false;
    }
}
