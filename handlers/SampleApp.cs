using System.Text.Json.Serialization;
using FunctionCompute.Credentials.Chain;
using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;
using SampleFunctions.Credentials;
using SampleFunctions.Oss;

namespace SampleFunctions;

/// <summary>
/// The sample function app: one package, several handlers, routed by the function's <c>handler</c>
/// setting in s.yaml (FC sends it as <c>x-fc-function-handler</c>).
/// </summary>
public static class SampleApp
{
    /// <summary>Builds the app; tests pass <paramref name="configure"/> to listen on a free loopback port.</summary>
    public static WebApplication Create(string[] args, Action<FunctionAppOptions>? configure = null)
    {
        var builder = FunctionApp.CreateBuilder(args, configure);
        // Traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (s.yaml has commented examples); nothing otherwise.
        builder.AddFcOpenTelemetry();
        // Web endpoints and event handlers read and write source-generated JSON (no reflection under Native AOT), configured
        // once each. The contracts are built on a handler's first call, so an instance pays only for the handler it serves.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJson.Default));
        builder.Services.ConfigureEventJsonOptions(json =>
        {
            // The samples' contexts' own settings (SampleJson): camelCase names, matched exactly, nulls left out.
            json.SerializerOptions.PropertyNameCaseInsensitive = false;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJson.Default);
            // The typed FC trigger events (the OSS trigger sample's OssEvent) from the events library's own context.
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, FunctionCompute.Events.FcEventsJson.Default);
        });
        // The handlers' services: singletons made on first use (an instance serving echo never builds an OSS client).
        builder.Services.AddSingleton<OssClients>();
        builder.Services.AddSingleton<AssumedRoles>();
        builder.Services.AddSingleton(_ => new DefaultCredentialsProvider());
        builder.Services.AddSingleton<NotificationHub>();
        var app = builder.Build();

        // Event functions: parameters are bound by type (the event, IFcContext, services) by the runtime's source generator.
        app.MapEvent("echo", Echo.Handle);
        app.MapEvent("greet", Greet.Handle);
        app.MapEvent("context", ContextInfo.Handle);
        app.MapEvent("sleep", Sleep.HandleAsync);
        app.MapEvent("fail", Fail.Handle);
        app.MapEvent("structured-log", StructuredLog.Handle);
        // OSS samples: the invocation's STS credentials sign every request, the clients come from DI (files under Oss/).
        app.MapEvent("oss-put-object", PutObject.HandleAsync);
        app.MapEvent("oss-get-object", GetObject.HandleAsync);
        app.MapEvent("oss-list-objects", ListObjects.HandleAsync);
        // OSS trigger: reacts to ObjectCreated notifications (typed trigger events from FunctionCompute.Events).
        app.MapEvent("oss-uppercase-on-upload", UppercaseOnUpload.HandleAsync);
        // Credentials samples (files under Credentials/): another account's role, and the official default chain.
        app.MapEvent("oss-cross-account-put", CrossAccountPut.HandleAsync);
        app.MapEvent("oss-list-default-chain", DefaultChainList.HandleAsync);

        // Web functions (HTTP trigger): plain ASP.NET Core endpoints with the FC context at hand.
        app.MapGet("/whoami", WhoAmI.HandleAsync);
        // Server-sent events: a streaming response leaves the runtime event by event.
        Notifications.Map(app);

        var lifecycleLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SampleFunctions");
        app.OnInitialize(context => lifecycleLog.LogInformation("initialized function {Function} in {Region}", context.FunctionParam.FunctionName, context.Region));
        app.OnPreStop(context =>
        {
            lifecycleLog.LogInformation("pre-stop: nothing to flush");
            return Task.CompletedTask;
        });
        return app;
    }
}
