using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime;

/// <summary>
/// The JSON options of every event handler of the app (events read, results written), configured once as
/// <c>ConfigureHttpJsonOptions</c> configures web endpoints'. Add the app's source-generated contexts to
/// <see cref="JsonSerializerOptions.TypeInfoResolverChain"/>: Native AOT has no reflection-based JSON.
/// </summary>
public sealed class EventJsonOptions
{
    /// <summary>The options: web defaults (camelCase names, case-insensitive reading), no contract until one is added.</summary>
    public JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web);
}

/// <summary>Configures the app's <see cref="EventJsonOptions"/>.</summary>
public static class EventJsonServiceCollectionExtensions
{
    /// <summary>
    /// Configures the JSON options of the app's event handlers, e.g.
    /// <c>builder.Services.ConfigureEventJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, MyJson.Default))</c>.
    /// </summary>
    public static IServiceCollection ConfigureEventJsonOptions(this IServiceCollection services, Action<EventJsonOptions> configure) =>
        services.Configure(configure);
}
