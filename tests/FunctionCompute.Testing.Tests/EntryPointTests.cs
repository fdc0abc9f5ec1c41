using System.Net;
using System.Text.Json;
using FunctionCompute.Runtime;
using SampleFunctions;

namespace FunctionCompute.Testing.Tests;

/// <summary>
/// The kit pointed at the sample app's own <c>Program</c> (no test hook in the app), answering as the runtime does: the
/// runtime's verdicts without stack frames, the invocation's secrets masked, the timeout named.
/// </summary>
public class EntryPointTests : IAsyncLifetime
{
    private const string Secret = "kit-secret-6b1f0c";
    private FcTestApp _fc = null!;

    public Task InitializeAsync()
    {
        _fc = FcTestApp.For<Program>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fc.DisposeAsync();

    [Fact]
    public async Task The_app_s_own_program_is_invoked_by_handler_name()
    {
        var result = await _fc.InvokeAsync("echo", "from Program", new FcContextBuilder().WithRequestId("ep-echo"));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("from Program", result.Text);
        // The first call of the instance also runs the app's initializer, inside its frame.
        Assert.Equal("FC Invoke Start RequestId: ep-echo", result.Logs[0].Raw);
        Assert.Equal("FC Invoke End RequestId: ep-echo", result.Logs[^1].Raw);
        Assert.Contains("oss-put-object", _fc.HandlerNames);
    }

    [Fact]
    public async Task The_runtime_s_verdicts_carry_no_stack_frames()
    {
        var unknown = await _fc.InvokeAsync("no-such-handler", "x");
        Assert.Empty(unknown.ShouldFailWith("HandlerNotFoundException", "no-such-handler").StackTrace);
        var badJson = await _fc.InvokeAsync("greet", "{not json");
        Assert.Empty(badJson.ShouldFailWith("InvalidEventException").StackTrace);
        // A handler's own exception keeps its frames: the caller of an event invocation holds the owner's keys.
        Assert.NotEmpty((await _fc.InvokeAsync("fail", "boom")).ShouldFailWith("InvalidOperationException").StackTrace);
    }

    [Fact]
    public async Task The_invocation_s_secret_is_masked_in_the_error_answer()
    {
        var context = new FcContextBuilder().WithCredentials("STS.kit", Secret, "kit-token-99");
        var result = await _fc.InvokeAsync("fail", $"leaking {Secret} and kit-token-99", context);
        var error = result.ShouldFailWith("InvalidOperationException");
        Assert.Equal("fail was asked to fail: leaking *** and ***", error.ErrorMessage);
        Assert.DoesNotContain(Secret, result.Text);
        Assert.DoesNotContain(result.Logs, l => l.Raw.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_past_its_timeout_gets_the_runtime_s_timeout_verdict()
    {
        var result = await _fc.InvokeJsonAsync("sleep", new SleepEvent(60_000), SampleJson.Default.SleepEvent,
            new FcContextBuilder().WithTimeout(TimeSpan.FromSeconds(1)));
        var error = result.ShouldFailWith("FunctionTimeoutException", "The function did not finish within its timeout of 1 s.");
        Assert.Empty(error.StackTrace);
    }

    [Fact]
    public async Task Lifecycle_calls_run_the_app_s_hooks_in_their_frames()
    {
        var init = await _fc.InitializeAsync(new FcContextBuilder().WithRequestId("ep-init").WithFunction("dotnet-kit"));
        Assert.True(init.Succeeded);
        Assert.Equal("FC Initialize Start RequestId: ep-init", init.Logs[0].Raw);
        Assert.Contains(init.Logs, l => l.Message == "initialized function dotnet-kit in cn-hangzhou");
        Assert.Equal("FC Initialize End RequestId: ep-init", init.Logs[^1].Raw);

        var stop = await _fc.PreStopAsync(new FcContextBuilder().WithRequestId("ep-stop"));
        Assert.True(stop.Succeeded);
        Assert.Contains(stop.Logs, l => l.Message == "pre-stop: nothing to flush");
    }

    [Fact]
    public async Task A_handler_that_blocks_its_thread_past_the_deadline_is_answered_by_the_runtime_s_watchdog()
    {
        await using var fc = FcTestApp.Create(configure =>
        {
            var app = FunctionApp.CreateBuilder([], configure).Build();
            app.MapEvent("block", (Stream input, IFcContext context) =>
            {
                // Holds the calling thread (no await) until well after the deadline.
                context.CancellationToken.WaitHandle.WaitOne();
                Thread.Sleep(500);
                return input;
            });
            return app;
        });
        var result = await fc.InvokeAsync("block", "x", new FcContextBuilder().WithTimeout(TimeSpan.FromSeconds(1)));
        result.ShouldFailWith("FunctionTimeoutException");
    }

    [Fact]
    public async Task The_server_over_the_app_s_program_serves_its_endpoints_and_events()
    {
        await using var server = await FcTestServer.StartAsync<Program>();
        using var response = await server.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/whoami"),
            new FcContextBuilder().WithRequestId("ep-web").WithRegion("cn-beijing"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var who = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), SampleJson.Default.WhoAmIResult)!;
        Assert.Equal(("ep-web", "cn-beijing"), (who.RequestId, who.Region));
        Assert.Contains(server.Log.For("ep-web"), l => l.Raw == "FC Invoke End RequestId: ep-web");

        var echo = await server.InvokeAsync("echo", "over the server", new FcContextBuilder().WithRequestId("ep-srv"));
        Assert.Equal("over the server", echo.Text);
    }
}
