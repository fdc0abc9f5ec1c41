using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionCompute.Runtime;

namespace MyFunction;

/// <summary>The function app: event handlers registered by name (s.yaml's <c>handler</c>, sent by FC as <c>x-fc-function-handler</c>).</summary>
public static class App
{
    /// <summary>The name the handler is registered under; s.yaml's <c>handler</c> names it.</summary>
    public const string HandlerName = "my-handler-name";

    /// <summary>Builds the app; the test kit passes <paramref name="configure"/> to run it in memory.</summary>
    public static WebApplication Create(string[] args, Action<FunctionAppOptions>? configure = null)
    {
        var builder = FunctionApp.CreateBuilder(args, configure);
        // Events and results are JSON through source-generated System.Text.Json (AOT-safe), configured once for all handlers.
        builder.Services.ConfigureEventJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default));
        // Services the handlers take as parameters come from DI (scoped ones live for one invocation).
        builder.Services.AddSingleton(TimeProvider.System);
        // Traces and metrics over OTLP (configured by OTEL_EXPORTER_OTLP_ENDPOINT & co., sent before each answer): add the
        // FunctionCompute.Runtime.OpenTelemetry package and uncomment. Without it the binary carries no OpenTelemetry SDK.
        // builder.AddFcOpenTelemetry();
        var app = builder.Build();

        // The handler's parameters are bound by type at compile time (the runtime package's source generator): the event,
        // IFcContext, CancellationToken, ILogger<T> and any registered service.
        app.MapEvent(HandlerName, Hello);

        app.OnInitialize(context => context.Logger.LogInformation("initialized {Function}", context.FunctionParam.FunctionName));
        return app;
    }

    /// <summary>The handler: an event in, a result out. Take credentials from <paramref name="context"/> on every invocation.</summary>
    public static HelloResult Hello(HelloEvent e, IFcContext context, TimeProvider clock)
    {
        context.Logger.LogInformation("greeting {Name} at {Time:O}", e.Name, clock.GetUtcNow());
        return new HelloResult($"Hello, {e.Name ?? "world"}!", context.RequestId);
    }
}

public sealed record HelloEvent(string? Name);

public sealed record HelloResult(string Greeting, string RequestId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HelloEvent))]
[JsonSerializable(typeof(HelloResult))]
public sealed partial class AppJson : JsonSerializerContext;
