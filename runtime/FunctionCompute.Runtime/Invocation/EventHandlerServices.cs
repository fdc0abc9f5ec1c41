using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>What every event invocation of one app shares: its scope factory, its event JSON options and its filters for all handlers.</summary>
internal sealed class EventHandlerServices(IServiceScopeFactory scopeFactory, IOptions<EventJsonOptions> json)
{
    private JsonSerializerOptions? _json;

    public IServiceScopeFactory ScopeFactory { get; } = scopeFactory;

    /// <summary>The event JSON options, read on first use (after the app's configuration has run).</summary>
    public JsonSerializerOptions Json => _json ??= json.Value.SerializerOptions;

    /// <summary>Filters for every handler, outermost first.</summary>
    public List<Func<FcInvocationDelegate, FcInvocationDelegate>> Filters { get; } = [];
}
