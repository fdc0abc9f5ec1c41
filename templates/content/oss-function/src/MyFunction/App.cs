using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionCompute.Runtime;

namespace MyFunction;

/// <summary>The function app: <see cref="PutObject"/> registered under s.yaml's <c>handler</c> (sent by FC as <c>x-fc-function-handler</c>).</summary>
public static class App
{
    /// <summary>The name the handler is registered under; s.yaml's <c>handler</c> names it.</summary>
    public const string HandlerName = "my-handler-name";

    /// <summary>Builds the app; the test kit passes <paramref name="configure"/> to run it in memory.</summary>
    public static WebApplication Create(string[] args, Action<FunctionAppOptions>? configure = null)
    {
        var builder = FunctionApp.CreateBuilder(args, configure);
        // OTLP export of the invocation's span and its OSS client spans: the FunctionCompute.Runtime.OpenTelemetry package,
        // then builder.AddFcOpenTelemetry() here; OTEL_EXPORTER_OTLP_ENDPOINT switches it on (README: Observability).
        var app = builder.Build();
        app.MapEvent(HandlerName, PutObject.HandleAsync, AppJson.Default.PutObjectEvent);
        return app;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PutObjectEvent))]
public sealed partial class AppJson : JsonSerializerContext;
