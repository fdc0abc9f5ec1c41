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
        builder.Services.ConfigureEventJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default));
        // One OSS client per endpoint for the whole instance (a singleton); credentials still come with each invocation.
        builder.Services.AddSingleton<OssClients>();
        // OTLP export of the invocation's span and its OSS client spans: the FunctionCompute.Runtime.OpenTelemetry package,
        // then builder.AddFcOpenTelemetry() here; OTEL_EXPORTER_OTLP_ENDPOINT switches it on (README: Observability).
        var app = builder.Build();
        // A class handler: built for each invocation, its constructor's parameters from DI (no reflection: the runtime
        // package's source generator writes the construction).
        app.MapEvent<PutObject>(HandlerName);
        return app;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PutObjectEvent))]
public sealed partial class AppJson : JsonSerializerContext;
