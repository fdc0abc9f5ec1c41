using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionCompute.Runtime;

namespace MyFunction;

/// <summary>
/// The web function: plain ASP.NET Core endpoints. FC 3.0 forwards each HTTP-trigger request unchanged; the FC
/// context of the request (request id, credentials, region) is <c>HttpContext.GetFcContext()</c>.
/// </summary>
public static class App
{
    /// <summary>Builds the app; the test kit passes <paramref name="configure"/> to run it in memory.</summary>
    public static WebApplication Create(string[] args, Action<FunctionAppOptions>? configure = null)
    {
        var builder = FunctionApp.CreateBuilder(args, configure);
        // Source-generated JSON: no reflection under Native AOT.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default));
        var app = builder.Build();

        app.MapGet("/hello", Hello);
        app.MapPost("/hello", (HelloRequest request, HttpContext http) => Hello(request.Name, http));
        // GET / answers 200 by itself (the runtime's readiness answer): s.yaml's health check uses it.
        return app;
    }

    public static HelloResult Hello(string? name, HttpContext http)
    {
        var context = http.GetFcContext();
        context.Logger.LogInformation("greeting {Name}", name);
        return new HelloResult($"Hello, {name ?? "world"}!", context.RequestId);
    }
}

public sealed record HelloRequest(string? Name);

public sealed record HelloResult(string Greeting, string RequestId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HelloRequest))]
[JsonSerializable(typeof(HelloResult))]
public sealed partial class AppJson : JsonSerializerContext;
