using FunctionCompute.Events;
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
        // Web endpoints answer with source-generated JSON (no reflection under Native AOT).
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJson.Default));
        var app = builder.Build();

        // Event functions. Typed handlers name their source-generated JSON context: each builds its contracts on its
        // first call, so an instance pays only for the handler it serves (about 5 ms of cold start for all of them).
        app.MapEvent("echo", Echo.Handle);
        app.MapEvent<GreetEvent, GreetResult>("greet", Greet.Handle, SampleJson.Default);
        app.MapEvent<ContextQuery, ContextSummary>("context", ContextInfo.Handle, SampleJson.Default);
        app.MapEvent<SleepEvent, SleepResult>("sleep", Sleep.HandleAsync, SampleJson.Default);
        app.MapEvent("fail", Fail.Handle);
        app.MapEvent<StructuredLogEvent, StructuredLogResult>("structured-log", StructuredLog.Handle, SampleJson.Default);
        // OSS samples: the invocation's STS credentials sign every request (files under Oss/).
        app.MapEvent<PutObjectEvent>("oss-put-object", PutObject.HandleAsync, SampleJson.Default);
        app.MapEvent<GetObjectEvent>("oss-get-object", GetObject.HandleAsync, SampleJson.Default);
        app.MapEvent<ListObjectsEvent, ListObjectsResult>("oss-list-objects", ListObjects.HandleAsync, SampleJson.Default);
        // OSS trigger: reacts to ObjectCreated notifications (the typed OssEvent of FunctionCompute.Events). Its contract is
        // in SampleJson too, so it is built on first call like the others (FcEventsJson.Default.OssEvent would build it here).
        app.MapEvent<OssEvent, OssTriggerResult>("oss-uppercase-on-upload", UppercaseOnUpload.HandleAsync, SampleJson.Default);
        // Credentials samples (files under Credentials/): another account's role, and the official default chain.
        app.MapEvent<CrossAccountPutEvent>("oss-cross-account-put", CrossAccountPut.HandleAsync, SampleJson.Default);
        app.MapEvent<DefaultChainListEvent, DefaultChainListResult>("oss-list-default-chain", DefaultChainList.HandleAsync, SampleJson.Default);

        // Web functions (HTTP trigger): plain ASP.NET Core endpoints with the FC context at hand.
        app.MapGet("/whoami", WhoAmI.HandleAsync);

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
