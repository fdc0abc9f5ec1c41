using FunctionCompute.Runtime.Hosting;
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

        // Event functions.
        app.MapEvent("echo", Echo.Handle);
        app.MapEvent("greet", Greet.Handle, SampleJson.Default.GreetEvent, SampleJson.Default.GreetResult);
        app.MapEvent("context", ContextInfo.Handle, SampleJson.Default.ContextQuery, SampleJson.Default.ContextSummary);
        app.MapEvent("sleep", Sleep.HandleAsync, SampleJson.Default.SleepEvent, SampleJson.Default.SleepResult);
        app.MapEvent("fail", Fail.Handle);
        // OSS samples: the invocation's STS credentials sign every request (files under Oss/).
        app.MapEvent("oss-put-object", PutObject.HandleAsync, SampleJson.Default.PutObjectEvent);
        app.MapEvent("oss-get-object", GetObject.HandleAsync, SampleJson.Default.GetObjectEvent);
        app.MapEvent("oss-list-objects", ListObjects.HandleAsync, SampleJson.Default.ListObjectsEvent, SampleJson.Default.ListObjectsResult);
        // OSS trigger: reacts to ObjectCreated notifications (typed trigger events from FunctionCompute.Events).
        app.MapEvent("oss-uppercase-on-upload", UppercaseOnUpload.HandleAsync, FunctionCompute.Events.FcEventsJson.Default.OssEvent, SampleJson.Default.OssTriggerResult);
        // Credentials samples (files under Credentials/): another account's role, and the official default chain.
        app.MapEvent("oss-cross-account-put", CrossAccountPut.HandleAsync, SampleJson.Default.CrossAccountPutEvent);
        app.MapEvent("oss-list-default-chain", DefaultChainList.HandleAsync, SampleJson.Default.DefaultChainListEvent, SampleJson.Default.DefaultChainListResult);

        // Web functions (HTTP trigger): plain ASP.NET Core endpoints with the FC context at hand.
        app.MapGet("/whoami", WhoAmI.Handle);

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
