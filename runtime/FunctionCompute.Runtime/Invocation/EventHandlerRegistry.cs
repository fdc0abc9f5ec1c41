using System.Diagnostics.CodeAnalysis;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// The app's event handlers by name: the name is what <c>x-fc-function-handler</c> carries
/// (the <c>handler</c> of the function in s.yaml).
/// </summary>
internal sealed class EventHandlerRegistry
{
    private readonly Dictionary<string, FcEventHandler> _handlers = new(StringComparer.Ordinal);
    private FcEventHandler? _single;

    /// <summary>The registered names, in no particular order.</summary>
    public IReadOnlyCollection<string> Names => _handlers.Keys;

    /// <summary>Whether any event handler is registered.</summary>
    public bool IsEmpty => _handlers.Count == 0;

    /// <summary>Registers <paramref name="handler"/> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty or already taken.</exception>
    public void Add(string name, FcEventHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(name, handler)) throw new ArgumentException($"An event handler named '{name}' is already registered.", nameof(name));
        _single = _handlers.Count == 1 ? handler : null;
    }

    /// <summary>
    /// Finds the handler for a call. With one handler, every call reaches it whatever the header says
    /// (FC's default handler string is meaningless for custom runtimes); with several, the name must match.
    /// </summary>
    public bool TryResolve(string? requestedName, [NotNullWhen(true)] out FcEventHandler? handler, [NotNullWhen(false)] out string? error)
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
