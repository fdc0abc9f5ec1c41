using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FunctionCompute.Runtime.Contract;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace SampleFunctions.Tests;

/// <summary>The sample handlers, in process, on a real Kestrel on loopback.</summary>
public sealed class SampleAppTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private readonly MemoryStream _log = new();

    public async Task InitializeAsync()
    {
        _app = SampleApp.Create([], options =>
        {
            options.Port = 0;
            options.ListenAddress = IPAddress.Loopback;
            options.LogOutput = Stream.Synchronized(_log);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static HttpRequestMessage Invoke(string handler, string body, Dictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent(body) };
        request.Headers.Add(FcHeaders.ControlPath, "/invoke");
        request.Headers.Add(FcHeaders.FunctionHandler, handler);
        request.Headers.Add(FcHeaders.RequestId, "sample-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var (name, value) in headers ?? []) request.Headers.Add(name, value);
        return request;
    }

    [Fact]
    public async Task Echo_returns_the_event_unchanged()
    {
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        using var request = Invoke("echo", "");
        request.Content = new ByteArrayContent(bytes);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Greet_answers_typed_json_with_the_request_id()
    {
        using var request = Invoke("greet", """{"name":"Ada"}""");
        var requestId = request.Headers.GetValues(FcHeaders.RequestId).Single();
        using var response = await _client.SendAsync(request);
        var result = await response.Content.ReadFromJsonAsync(SampleJson.Default.GreetResult);
        Assert.Equal(new GreetResult("Hello, Ada!", requestId), result);
    }

    [Theory]
    [InlineData("""{"name":""}""", "ArgumentException")]
    [InlineData("""{}""", "ArgumentException")]
    [InlineData("""not json""", "InvalidEventException")]
    public async Task Greet_without_a_name_is_a_function_error(string body, string errorType)
    {
        using var response = await _client.SendAsync(Invoke("greet", body));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(errorType, error.RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Context_reports_what_was_parsed_without_secrets()
    {
        using var request = Invoke("context", "{}", new()
        {
            [FcHeaders.FunctionName] = "my-fn",
            [FcHeaders.FunctionMemory] = "512",
            [FcHeaders.FunctionTimeout] = "60",
            [FcHeaders.Region] = "cn-hangzhou",
            [FcHeaders.AccountId] = "1234567890",
            [FcHeaders.Qualifier] = "LATEST",
            [FcHeaders.AccessKeyId] = "STS.abcdefgh",
            [FcHeaders.AccessKeySecret] = "context-secret-123",
            [FcHeaders.SecurityToken] = "context-token-456",
        });
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var summary = JsonSerializer.Deserialize(text, SampleJson.Default.ContextSummary)!;

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
        Assert.DoesNotContain("context-secret-123", text);
        Assert.DoesNotContain("context-token-456", text);
    }

    [Fact]
    public async Task Whoami_is_a_web_endpoint_with_the_callers_request_id_and_region()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Add(FcHeaders.RequestId, "web-req-9");
        request.Headers.Add(FcHeaders.Region, "ap-southeast-1");
        using var response = await _client.SendAsync(request);
        var result = await response.Content.ReadFromJsonAsync(SampleJson.Default.WhoAmIResult);
        Assert.Equal("web-req-9", result!.RequestId);
        Assert.Equal("ap-southeast-1", result.Region);
        Assert.False(result.HasCredentials);
    }

    [Fact]
    public async Task Sleep_is_cut_short_by_the_function_timeout()
    {
        using var response = await _client.SendAsync(Invoke("sleep", """{"milliseconds":30000}""", new() { [FcHeaders.FunctionTimeout] = "1" }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("FunctionTimeoutException", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fail_answers_the_contract_error_with_its_message()
    {
        using var response = await _client.SendAsync(Invoke("fail", "on purpose"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("fail was asked to fail: on purpose", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
    }
}
