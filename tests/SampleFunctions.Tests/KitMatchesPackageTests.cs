using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;
using FunctionCompute.Testing;

namespace SampleFunctions.Tests;

/// <summary>
/// The test kit answers as the package does. One set of calls goes to the code package started as a real process (Native
/// AOT, over HTTP) and to the kit over the app's own <c>Program</c>, both in process (the HTTP-free pipeline) and on the
/// in-memory server; status, <c>x-fc-status</c>, content type and body bytes must be the same. The one allowed difference
/// (besides the request id, each side's own) is the text of a handler's own stack frames (a JIT Debug build and a stripped AOT binary name their frames differently):
/// there only the number-independent fact that frames are present is compared.
/// </summary>
public class KitMatchesPackageTests
{
    private const string Secret = "parity-secret-Q2FmZWJhYmU";
    private const string Token = "parity-token-CAIS-ZGVhZGJlZWY";

    private sealed record Scenario(string Name, string Handler, string Event, int TimeoutSeconds = 30);

    private static readonly Scenario[] Scenarios =
    [
        new("success", "echo", "hello, parity"),
        new("typed success", "greet", """{"name":"Ada"}"""),
        new("typed error", "greet", """{"name":""}"""),
        new("handler error", "fail", "boom"),
        new("unknown handler", "no-such-handler", "x"),
        new("timeout", "sleep", """{"milliseconds":60000}""", TimeoutSeconds: 1),
        new("secret in an exception message", "fail", $"leaking {Secret} and {Token}"),
        new("bad JSON", "greet", "{not json"),
    ];

    private sealed record Answer(int Status, string FcStatus, string? ContentType, string Body);

    [Fact]
    public async Task The_kit_and_the_package_give_the_same_answers()
    {
        await using var package = await FunctionProcess.StartPackageAsync(new Dictionary<string, string> { ["FC_REGION"] = "cn-hangzhou" });
        await using var kit = FcTestApp.For<Program>();
        await using var server = await FcTestServer.StartAsync<Program>();

        var mismatches = new List<string>();
        foreach (var scenario in Scenarios)
        {
            var packaged = await FromPackageAsync(package, scenario);
            var inProcess = FromKit(await kit.InvokeAsync(scenario.Handler, scenario.Event, Context(scenario, "kit")));
            var inMemoryServer = FromKit(await server.InvokeAsync(scenario.Handler, scenario.Event, Context(scenario, "srv")));
            if (packaged != inProcess) mismatches.Add($"{scenario.Name}: package {packaged} vs kit {inProcess}");
            if (packaged != inMemoryServer) mismatches.Add($"{scenario.Name}: package {packaged} vs kit's server {inMemoryServer}");
            Assert.DoesNotContain(Secret, packaged.Body);
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>The same context for every side but the request id (each side's own, so their log lines stay apart).</summary>
    private static FcContextBuilder Context(Scenario scenario, string side) => new FcContextBuilder()
        .WithRequestId($"{side}-{scenario.Name.Replace(' ', '-')}")
        .WithHandler(scenario.Handler)
        .WithCredentials("STS.parity", Secret, Token)
        .WithTimeout(TimeSpan.FromSeconds(scenario.TimeoutSeconds));

    private static async Task<Answer> FromPackageAsync(FunctionProcess package, Scenario scenario)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ControlPaths.Invoke) { Content = new StringContent(scenario.Event) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var context = Context(scenario, "pkg").Build();
        FcRequestHeaders.Apply(request.Headers, context, ControlPaths.Invoke);
        using var response = await package.Client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new Answer((int)response.StatusCode, response.Headers.GetValues(FcHeaders.Status).Single(),
            response.Content.Headers.ContentType?.ToString(), Normalize(body, context.RequestId));
    }

    private static Answer FromKit(FcInvocationResult result) =>
        new(result.StatusCode, result.StatusCode.ToString(), result.ContentType, Normalize(result.Body, result.RequestId));

    /// <summary>
    /// The body as text, the call's request id (which <c>greet</c> echoes) as a placeholder; in an error with stack frames,
    /// the frames become one placeholder.
    /// </summary>
    private static string Normalize(byte[] body, string requestId)
    {
        var text = Encoding.UTF8.GetString(body);
        if (FcAssert.TryReadError(body) is { StackTrace.Count: > 0 })
        {
            var json = JsonNode.Parse(body)!.AsObject();
            json["stackTrace"] = new JsonArray("<frames>");
            text = json.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        return text.Replace(requestId, "<request-id>", StringComparison.Ordinal);
    }
}
