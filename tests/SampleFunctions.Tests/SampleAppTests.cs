using System.Net.Http.Json;
using FunctionCompute.Testing;

namespace SampleFunctions.Tests;

/// <summary>
/// The sample handlers through the test kit over the app's own <c>Program</c>: on its in-memory server, called with FC's
/// headers as FC calls them (so the context is parsed from headers, as in the package).
/// </summary>
public sealed class SampleAppTests : IAsyncLifetime
{
    private FcTestServer _app = null!;

    public async Task InitializeAsync() => _app = await FcTestServer.StartAsync<Program>();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Echo_returns_the_event_unchanged()
    {
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        var result = await _app.InvokeAsync("echo", bytes);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(bytes, result.Body);
    }

    [Fact]
    public async Task Greet_answers_typed_json_with_the_request_id()
    {
        var result = await _app.InvokeAsync("greet", new GreetEvent("Ada"), SampleJson.Default.GreetEvent, SampleJson.Default.GreetResult,
            new FcContextBuilder().WithRequestId("sample-greet"));
        Assert.Equal(new GreetResult("Hello, Ada!", "sample-greet"), result);
    }

    [Theory]
    [InlineData("""{"name":""}""", "ArgumentException")]
    [InlineData("""{}""", "ArgumentException")]
    [InlineData("""not json""", "InvalidEventException")]
    public async Task Greet_without_a_name_is_a_function_error(string body, string errorType)
    {
        var result = await _app.InvokeAsync("greet", body);
        Assert.Equal(404, result.StatusCode);
        result.ShouldFailWith(errorType);
    }

    [Fact]
    public async Task Context_reports_what_was_parsed_without_secrets()
    {
        var context = new FcContextBuilder()
            .WithFunction("my-fn").WithMemory(512).WithTimeout(TimeSpan.FromSeconds(60)).WithRegion("cn-hangzhou").WithAccountId("1234567890")
            .WithCredentials("STS.abcdefgh", "context-secret-123", "context-token-456");
        var result = await _app.InvokeAsync("context", "{}", context);
        var summary = result.Json(SampleJson.Default.ContextSummary);

        Assert.Equal("my-fn", summary.FunctionName);
        Assert.Equal("context", summary.FunctionHandler);
        Assert.Equal(512, summary.MemoryLimitInMB);
        Assert.Equal(60, summary.FunctionTimeout);
        Assert.Equal("cn-hangzhou", summary.Region);
        Assert.Equal("1234567890", summary.AccountId);
        Assert.Equal("LATEST", summary.Qualifier);
        Assert.True(summary.HasCredentials);
        Assert.True(summary.HasSecurityToken);
        Assert.Equal("STS.****", summary.AccessKeyIdPrefix);
        Assert.InRange(summary.RemainingSeconds!.Value, 50, 60);
        Assert.DoesNotContain("context-secret-123", result.Text);
        Assert.DoesNotContain("context-token-456", result.Text);
    }

    [Fact]
    public async Task Whoami_is_a_web_endpoint_with_the_callers_request_id_and_region()
    {
        using var response = await _app.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/whoami"),
            new FcContextBuilder().WithRequestId("web-req-9").WithRegion("ap-southeast-1").WithoutCredentials());
        var result = await response.Content.ReadFromJsonAsync(SampleJson.Default.WhoAmIResult);
        Assert.Equal("web-req-9", result!.RequestId);
        Assert.Equal("ap-southeast-1", result.Region);
        Assert.False(result.HasCredentials);
    }

    [Fact]
    public async Task Sleep_is_cut_short_by_the_function_timeout()
    {
        var result = await _app.InvokeJsonAsync("sleep", new SleepEvent(30_000), SampleJson.Default.SleepEvent,
            new FcContextBuilder().WithTimeout(TimeSpan.FromSeconds(1)));
        result.ShouldFailWith("FunctionTimeoutException");
    }

    [Fact]
    public async Task Fail_answers_the_contract_error_with_its_message()
    {
        var result = await _app.InvokeAsync("fail", "on purpose");
        Assert.Equal(404, result.StatusCode);
        var error = result.ShouldFailWith("InvalidOperationException");
        Assert.Equal("fail was asked to fail: on purpose", error.ErrorMessage);
    }
}
