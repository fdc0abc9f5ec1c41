using System.Net;
using System.Text.Json;
using FunctionCompute.Runtime.Contract;
using SampleFunctions;

namespace FunctionCompute.Testing.Tests;

/// <summary>The whole sample app on the in-memory server, called as FC calls it.</summary>
public class TestServerTests : IAsyncLifetime
{
    private FcTestServer _server = null!;

    public async Task InitializeAsync() => _server = await FcTestServer.StartAsync(configure => SampleApp.Create([], configure));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Invoke_goes_through_the_contract_with_fc_headers()
    {
        var result = await _server.InvokeAsync("echo", "over the wire", new FcContextBuilder().WithRequestId("srv-1"));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("over the wire", result.Text);
        // The runtime's own markers prove the request went through its invoker with our request id.
        Assert.Equal(["FC Invoke Start RequestId: srv-1", "FC Invoke End RequestId: srv-1"], result.Logs.Select(l => l.Raw).Where(r => r.StartsWith("FC ")));
    }

    [Fact]
    public async Task Typed_invoke_and_failures_over_the_server()
    {
        var greeting = await _server.InvokeAsync("greet", new GreetEvent("Ada"), SampleJson.Default.GreetEvent, SampleJson.Default.GreetResult,
            new FcContextBuilder().WithRequestId("srv-greet"));
        Assert.Equal("Hello, Ada!", greeting.Greeting);
        Assert.Equal("srv-greet", greeting.RequestId);
        Assert.Contains(_server.Log.For("srv-greet"), l => l.Message == "greeting Ada");

        var failed = await _server.InvokeAsync("fail", "boom");
        failed.ShouldFailWith("InvalidOperationException", "boom");
    }

    [Fact]
    public async Task Web_endpoint_whoami_sees_the_fc_context_of_the_request()
    {
        using var response = await _server.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/whoami"),
            new FcContextBuilder().WithRequestId("web-1").WithRegion("cn-beijing").WithFunction("dotnet-web"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var who = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), SampleJson.Default.WhoAmIResult)!;
        Assert.Equal("web-1", who.RequestId);
        Assert.Equal("cn-beijing", who.Region);
        Assert.Equal("dotnet-web", who.FunctionName);
        Assert.True(who.HasCredentials);
        Assert.DoesNotContain("test-access-key-secret", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Lifecycle_hooks_run_the_app_s_callbacks()
    {
        var init = await _server.InitializeAsync(new FcContextBuilder().WithRequestId("init-1").WithFunction("dotnet-echo"));
        Assert.True(init.Succeeded);
        Assert.Contains(init.Logs, l => l.Message == "initialized function dotnet-echo in cn-hangzhou");
        Assert.Contains(init.Logs, l => l.Raw == "FC Initialize Start RequestId: init-1");

        var stop = await _server.PreStopAsync(new FcContextBuilder().WithRequestId("stop-1"));
        Assert.True(stop.Succeeded);
        Assert.Contains(stop.Logs, l => l.Message == "pre-stop: nothing to flush");
    }

    [Fact]
    public async Task The_readiness_probe_is_answered()
    {
        using var client = _server.CreateClient();
        Assert.Equal("ready", await client.GetStringAsync("/"));
    }

    [Fact]
    public void Headers_written_for_a_context_are_fc_s()
    {
        using var request = new HttpRequestMessage();
        FcRequestHeaders.Apply(request.Headers, new FcContextBuilder().WithRequestId("h-1").WithHandler("greet").WithMemory(256).Build(), ControlPaths.Invoke);
        string One(string name) => Assert.Single(request.Headers.GetValues(name));
        Assert.Equal("h-1", One(FcHeaders.RequestId));
        Assert.Equal("/invoke", One(FcHeaders.ControlPath));
        Assert.Equal("greet", One(FcHeaders.FunctionHandler));
        Assert.Equal("256", One(FcHeaders.FunctionMemory));
        Assert.Equal("30", One(FcHeaders.FunctionTimeout));
        Assert.Equal("STS.TestAccessKeyId", One(FcHeaders.AccessKeyId));
        Assert.Equal("test-security-token", One(FcHeaders.SecurityToken));
        using var none = new HttpRequestMessage();
        FcRequestHeaders.Apply(none.Headers, new FcContextBuilder().WithoutCredentials().Build(), null);
        Assert.False(none.Headers.Contains(FcHeaders.AccessKeyId));
        Assert.False(none.Headers.Contains(FcHeaders.ControlPath));
    }
}
