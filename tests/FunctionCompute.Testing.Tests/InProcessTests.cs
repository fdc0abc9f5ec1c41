using System.Text.Json;
using FunctionCompute.Runtime;
using SampleFunctions;

namespace FunctionCompute.Testing.Tests;

/// <summary>The sample app's handlers invoked by name, in process, through the kit.</summary>
public class InProcessTests : IAsyncLifetime
{
    private FcTestApp _fc = null!;

    public Task InitializeAsync()
    {
        _fc = FcTestApp.Create(configure => SampleApp.Create([], configure));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fc.DisposeAsync();

    [Fact]
    public async Task Echo_by_name_returns_the_event_bytes()
    {
        var result = await _fc.InvokeAsync("echo", "hello from a test");
        Assert.True(result.Succeeded);
        Assert.Equal("hello from a test", result.Text);
        Assert.Contains("echo", _fc.HandlerNames);
    }

    [Fact]
    public async Task Greet_with_typed_helpers_serializes_the_event_and_reads_the_result()
    {
        var result = await _fc.InvokeAsync("greet", new GreetEvent("Ada"), SampleJson.Default.GreetEvent, SampleJson.Default.GreetResult,
            new FcContextBuilder().WithRequestId("req-greet-1"));
        Assert.Equal("Hello, Ada!", result.Greeting);
        Assert.Equal("req-greet-1", result.RequestId);
    }

    [Fact]
    public async Task Greet_logs_with_the_request_id_between_fc_markers()
    {
        var result = await _fc.InvokeJsonAsync("greet", new GreetEvent("Grace"), SampleJson.Default.GreetEvent, new FcContextBuilder().WithRequestId("req-log-7"));
        result.EnsureSucceeded();
        var lines = result.Logs.Select(l => l.Raw).ToList();
        Assert.Equal("FC Invoke Start RequestId: req-log-7", lines[0]);
        Assert.Equal("FC Invoke End RequestId: req-log-7", lines[^1]);
        var greeting = Assert.Single(result.Logs, l => l.Level == "INFO" && l.Message == "greeting Grace");
        Assert.Equal("req-log-7", greeting.RequestId);
        Assert.NotNull(greeting.Time);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z req-log-7 \[INFO\] greeting Grace$", greeting.Raw);
        // Another invocation's lines are not mixed in.
        await _fc.InvokeJsonAsync("greet", new GreetEvent("Linus"), SampleJson.Default.GreetEvent, new FcContextBuilder().WithRequestId("req-log-8"));
        Assert.DoesNotContain(_fc.Log.For("req-log-7"), l => l.Message.Contains("Linus"));
        Assert.Contains(_fc.Log.For("req-log-8"), l => l.Message == "greeting Linus");
    }

    [Fact]
    public async Task Fail_answers_fc_error_json_and_the_helper_checks_it()
    {
        var result = await _fc.InvokeAsync("fail", "boom");
        Assert.False(result.Succeeded);
        Assert.Equal(404, result.StatusCode);
        var error = result.ShouldFailWith("InvalidOperationException", "fail was asked to fail: boom");
        Assert.NotEmpty(error.StackTrace);
        Assert.Contains(result.Logs, l => l.Level == "ERROR" && l.Message.Contains("InvalidOperationException"));

        // The helper itself fails when the expectation is wrong.
        Assert.Throws<FcAssertionException>(() => result.ShouldFailWith("ArgumentException"));
        Assert.Throws<FcAssertionException>(() => result.ShouldFailWith(messageContains: "something else"));
        var ok = await _fc.InvokeAsync("echo", "fine");
        Assert.Throws<FcAssertionException>(() => ok.ShouldFailWith());
        // A typed call of a failing handler says why.
        var typed = await Assert.ThrowsAsync<FcAssertionException>(() =>
            _fc.InvokeAsync("greet", new GreetEvent(""), SampleJson.Default.GreetEvent, SampleJson.Default.GreetResult));
        Assert.Contains("ArgumentException", typed.Message);
    }

    [Fact]
    public async Task Bad_json_and_unknown_handlers_are_the_runtime_s_own_errors()
    {
        (await _fc.InvokeAsync("greet", "{not json")).ShouldFailWith("InvalidEventException");
        (await _fc.InvokeAsync("no-such-handler", "x")).ShouldFailWith("HandlerNotFoundException", "no-such-handler");
    }

    [Fact]
    public async Task The_context_builder_sets_what_the_handler_sees()
    {
        var context = new FcContextBuilder()
            .WithRequestId("ctx-1").WithRegion("cn-shanghai").WithFunction("dotnet-context").WithMemory(1024)
            .WithCredentials("STS.abc", "secret-value", "token-value");
        var result = await _fc.InvokeAsync("context", "{}", context);
        result.EnsureSucceeded();
        using var json = JsonDocument.Parse(result.Body);
        var text = json.RootElement.ToString();
        Assert.Contains("ctx-1", text);
        Assert.Contains("cn-shanghai", text);
        Assert.Contains("dotnet-context", text);
        Assert.DoesNotContain("secret-value", text);

        var built = new FcContextBuilder().Build();
        Assert.False(built.Credentials.IsEmpty);
        Assert.Equal(30, built.FunctionParam.FunctionTimeout);
        Assert.NotNull(built.Deadline);
        Assert.NotEqual(built.RequestId, new FcContextBuilder().Build().RequestId);
        Assert.True(new FcContextBuilder().WithoutCredentials().WithoutTimeout().Build() is { Credentials.IsEmpty: true, Deadline: null });
    }

    [Fact]
    public async Task A_handler_that_outlives_its_timeout_gets_the_runtime_s_timeout_error()
    {
        await using var fc = FcTestApp.Create(configure =>
        {
            var builder = FunctionApp.CreateBuilder([], configure);
            var app = builder.Build();
            app.MapEvent("hang", async (Stream s, IFcContext c) => { await Task.Delay(Timeout.Infinite, CancellationToken.None); return s; });
            return app;
        });
        var started = DateTime.UtcNow;
        var result = await fc.InvokeAsync("hang", "x", new FcContextBuilder().WithTimeout(TimeSpan.FromSeconds(1)));
        result.ShouldFailWith("FunctionTimeoutException");
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }
}
