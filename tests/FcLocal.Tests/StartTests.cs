using System.Net;
using System.Text;
using System.Text.Json;

namespace FunctionCompute.FcLocal.Tests;

/// <summary><c>fc-local start</c>: a local HTTP trigger in front of the packaged function.</summary>
public class StartTests
{
    private static Task<(FcLocalProcess Process, HttpClient Client)> StartAsync(params string[] more) => StartPackageAsync(FcLocalProcess.CodeDirectory(), more);

    private static async Task<(FcLocalProcess Process, HttpClient Client)> StartPackageAsync(string code, string[] more)
    {
        var process = FcLocalProcess.Start(["start", "--code", code, "--no-config", "--port", "0", .. more]);
        var line = await process.WaitForStdoutAsync(l => l.Contains("serving http://"), TimeSpan.FromSeconds(30));
        var url = line[(line.IndexOf("http://", StringComparison.Ordinal))..].Split(' ')[0];
        return (process, new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) });
    }

    [Fact]
    public async Task Requests_reach_the_web_endpoint_with_fc_headers_and_a_fresh_request_id_each()
    {
        var (process, client) = await StartAsync("--generated-credentials", "--region", "cn-beijing", "--function", "dotnet-web", "--concurrency", "4");
        await using var _ = process;
        using var __ = client;

        // Concurrent requests: each gets its own request id; a caller cannot set FC's headers.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
            request.Headers.Add("x-fc-request-id", "spoofed");
            request.Headers.Add("x-fc-access-key-id", "LTAIspoofed");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var header = response.Headers.GetValues("x-fc-request-id").Single();
            return (Body: JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone(), Header: header);
        }));
        var ids = responses.Select(r => r.Body.GetProperty("requestId").GetString()).ToList();
        Assert.Equal(8, ids.Distinct().Count());
        Assert.DoesNotContain("spoofed", ids);
        Assert.All(responses, r => Assert.Equal(r.Header, r.Body.GetProperty("requestId").GetString()));
        Assert.All(responses, r => Assert.Equal("cn-beijing", r.Body.GetProperty("region").GetString()));
        Assert.All(responses, r => Assert.Equal("dotnet-web", r.Body.GetProperty("functionName").GetString()));
        Assert.All(responses, r => Assert.True(r.Body.GetProperty("hasCredentials").GetBoolean()));
        Assert.All(responses, r => Assert.StartsWith("STS.", r.Body.GetProperty("accessKeyIdPrefix").GetString()));
        // Each request is reported with its status and request id.
        Assert.Contains($"GET /whoami -> 200", process.Stderr);
        Assert.Contains(ids[0]!, process.Stderr);
    }

    [Fact]
    public async Task A_streaming_response_reaches_the_caller_event_by_event()
    {
        // Subscribing takes one of the instance's slots and publishing another: a concurrency of 2 lets both in.
        var (process, client) = await StartAsync("--credentials", "none", "--concurrency", "2");
        await using var _ = process;
        using var __ = client;

        var outcome = await FunctionCompute.Tests.Shared.SseProbe.SubscribeThenPublishAsync(client, "through-fc-local");

        Assert.Equal("text/event-stream", outcome.ContentType);
        Assert.StartsWith("event: ready|data: ", outcome.Ready);
        Assert.Equal("delivered to 1", outcome.Delivered);
        Assert.Equal("event: message|data: hello|data: world", outcome.Message);
        Assert.True(outcome.EndedAfterLast);
    }

    [Fact]
    public async Task The_instance_concurrency_limit_holds_requests_beyond_it()
    {
        // A web app with a slow endpoint that counts the requests it has in flight at once (the sample app has none:
        // its slow handler is an event handler, which an HTTP trigger does not reach).
        var (process, client) = await StartPackageAsync(FcLocalProcess.FaultCodeDirectory(), ["--concurrency", "1", "--credentials", "none"]);
        await using var _ = process;
        using var __ = client;
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await client.GetAsync("/in-flight?milliseconds=300");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        // Three calls at once, but the function never had more than one of them in flight.
        Assert.All(answers, a => Assert.Equal("1", a.Body));
    }

    /// <summary>A code package whose bootstrap runs tests/FaultFunctions (built with this project) on the shared runtime.</summary>

    [Fact]
    public async Task A_failing_initializer_is_answered_as_fc_answers_its_caller_and_tried_again_on_the_next_request()
    {
        var (process, client) = await StartPackageAsync(FcLocalProcess.FaultCodeDirectory(),
            ["--credentials", "none", "--initializer", "true", "--env", "FAULT_INITIALIZER=throw"]);
        await using var _ = process;
        using var __ = client;

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await client.GetAsync("/in-flight?milliseconds=1");
            // FC 3.0: 200 to the caller, X-Fc-Error-Type: InitializationError, the initializer's error as the body.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("InitializationError", response.Headers.GetValues("X-Fc-Error-Type").Single());
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("InvalidOperationException", body.RootElement.GetProperty("errorType").GetString());
            Assert.Contains("could not load its settings", body.RootElement.GetProperty("errorMessage").GetString());
        }
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(process.Stderr, "FC Initialize Start RequestId").Count);
        Assert.Contains("InitializationError: the initializer failed (it answered 404)", process.Stderr);
    }

    [Fact]
    public async Task Sigterm_stops_gracefully_with_the_initializer_first_and_pre_stop_last()
    {
        var (process, client) = await StartAsync("--credentials", "none", "--initializer", "true", "--pre-stop", "true", "--function", "dotnet-web");
        await using var _ = process;
        using var __ = client;
        Assert.Equal("ready", await client.GetStringAsync("/"));
        Assert.Equal("ready", await client.GetStringAsync("/"));

        process.Signal(15);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, process.ToString());
        var log = process.Stderr;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, "FC Initialize Start RequestId"));
        Assert.Contains("initialized function dotnet-web", log);
        Assert.Contains("FC PreStop Start RequestId", log);
        Assert.Contains("pre-stop answered 200", log);
        Assert.Contains("FC runtime stopping", log);                         // the function got SIGTERM ...
        Assert.Contains("the function exited with 0", log);                  // ... and exited cleanly
        Assert.True(log.IndexOf("FC Initialize Start", StringComparison.Ordinal) < log.IndexOf("FC PreStop Start", StringComparison.Ordinal));
        Assert.True(log.IndexOf("FC PreStop End", StringComparison.Ordinal) < log.IndexOf("FC runtime stopping", StringComparison.Ordinal));
    }
}
