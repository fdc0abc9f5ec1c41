using System.Net;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace FunctionCompute.Runtime.Tests.Contract;

/// <summary>
/// A caller of a web function's HTTP trigger can send any method and path but no <c>x-fc-*</c> header (FC refuses them):
/// without <c>x-fc-control-path</c>, the control paths of a web app must reach neither an event handler nor a hook.
/// Real Kestrel on 127.0.0.1, calls over real HTTP.
/// </summary>
public class WebCallersAndControlPathsTests
{
    /// <summary>What ran, counted: a web app that also has an event handler and every lifecycle callback.</summary>
    private sealed class Ran
    {
        public int Handler, Initializer, PreStop, PreFreeze;
    }

    private static Action<WebApplication> WebAppWithEverything(Ran ran, Action<WebApplication>? more = null) => app =>
    {
        app.MapGet("/hello", () => "web hello");
        app.MapEvent("echo", (Stream input, IFcContext _) => { Interlocked.Increment(ref ran.Handler); return input; });
        app.OnInitialize(_ => { Interlocked.Increment(ref ran.Initializer); });
        app.OnPreStop(_ => { Interlocked.Increment(ref ran.PreStop); return Task.CompletedTask; });
        app.OnPreFreeze(_ => { Interlocked.Increment(ref ran.PreFreeze); return Task.CompletedTask; });
        more?.Invoke(app);
    };

    /// <summary>The four control calls as a trigger caller could send them: FC's path and method, no control-path header.</summary>
    public static TheoryData<string, string> BareControlCalls() => new()
    {
        { "POST", ControlPaths.Invoke },
        { "POST", ControlPaths.Initialize },
        { "GET", ControlPaths.PreStop },
        { "GET", ControlPaths.PreFreeze },
    };

    private static HttpRequestMessage Bare(string method, string path, bool withRequestId)
    {
        // FC adds its request id to what it forwards from a trigger; a tool or a probe may not.
        var request = Fc.Hook(new HttpMethod(method), path, controlPath: false);
        if (!withRequestId) request.Headers.Remove(FcHeaders.RequestId);
        if (method == "POST") request.Content = new StringContent("from the internet");
        request.Headers.Add(FcHeaders.FunctionHandler, "echo");
        return request;
    }

    [Theory]
    [MemberData(nameof(BareControlCalls))]
    public async Task A_bare_control_path_to_a_web_app_gets_the_apps_404_and_runs_nothing(string method, string path)
    {
        var ran = new Ran();
        await using var host = await TestFunctionHost.StartAsync(WebAppWithEverything(ran));

        foreach (var withRequestId in new[] { true, false })
        {
            using var response = await host.Client.SendAsync(Bare(method, path, withRequestId));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, ran.Handler);
        Assert.Equal(0, ran.PreStop);
        Assert.Equal(0, ran.PreFreeze);
        // The initializer may run once, before the first web call FC marks with a request id, as FC would have run it
        // anyway; never as a hook answered to the caller.
        Assert.True(ran.Initializer <= 1, $"the initializer ran {ran.Initializer} times");
        Assert.DoesNotContain(host.Log.Lines, line => line.StartsWith("FC Initialize", StringComparison.Ordinal)
            || line.StartsWith("FC PreStop", StringComparison.Ordinal) || line.StartsWith("FC PreFreeze", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Log.Lines, line => line.Contains("from the internet", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BareControlCalls))]
    public async Task A_bare_control_path_the_web_app_maps_reaches_its_own_route(string method, string path)
    {
        var ran = new Ran();
        await using var host = await TestFunctionHost.StartAsync(WebAppWithEverything(ran, app =>
            app.MapMethods(path, [method], () => "the app's own " + path)));

        using var response = await host.Client.SendAsync(Bare(method, path, withRequestId: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("the app's own " + path, await response.Content.ReadAsStringAsync());
        Assert.Equal((0, 0, 0), (ran.Handler, ran.PreStop, ran.PreFreeze));
    }

    [Fact]
    public async Task With_fcs_control_path_header_the_same_web_app_runs_its_handler_and_hooks()
    {
        var ran = new Ran();
        await using var host = await TestFunctionHost.StartAsync(WebAppWithEverything(ran));

        using (var initialize = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, ControlPaths.Initialize, "init-1")))
            ErrorBody.AssertSucceeded(initialize);
        using (var invoke = await host.Client.SendAsync(Fc.Invoke("echo", "event-1")))
        {
            ErrorBody.AssertSucceeded(invoke);
            Assert.Equal("event-1", await invoke.Content.ReadAsStringAsync());
        }
        using (var preFreeze = await host.Client.SendAsync(Fc.Hook(HttpMethod.Get, ControlPaths.PreFreeze, "freeze-1")))
            ErrorBody.AssertSucceeded(preFreeze);
        using (var preStop = await host.Client.SendAsync(Fc.Hook(HttpMethod.Get, ControlPaths.PreStop, "stop-1")))
            ErrorBody.AssertSucceeded(preStop);
        Assert.Equal("web hello", await host.Client.GetStringAsync("/hello"));

        Assert.Equal((1, 1, 1, 1), (ran.Initializer, ran.Handler, ran.PreFreeze, ran.PreStop));
        Assert.Contains("FC Initialize Start RequestId: init-1", host.Log.Lines);
        Assert.Contains("FC PreStop Start RequestId: stop-1", host.Log.Lines);
    }

    [Theory]
    [MemberData(nameof(BareControlCalls))]
    public async Task An_event_only_app_keeps_accepting_the_bare_control_paths_as_s_local_may_send_them(string method, string path)
    {
        var ran = new Ran();
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent("echo", (Stream input, IFcContext _) => { Interlocked.Increment(ref ran.Handler); return input; });
            app.OnInitialize(_ => { Interlocked.Increment(ref ran.Initializer); });
            app.OnPreStop(_ => { Interlocked.Increment(ref ran.PreStop); return Task.CompletedTask; });
            app.OnPreFreeze(_ => { Interlocked.Increment(ref ran.PreFreeze); return Task.CompletedTask; });
        });

        using var response = await host.Client.SendAsync(Bare(method, path, withRequestId: true));

        ErrorBody.AssertSucceeded(response);
        var expected = path switch
        {
            ControlPaths.Invoke => (1, 1, 0, 0),      // the first invocation runs the initializer too
            ControlPaths.Initialize => (0, 1, 0, 0),
            ControlPaths.PreStop => (0, 0, 1, 0),
            _ => (0, 0, 0, 1),
        };
        Assert.Equal(expected, (ran.Handler, ran.Initializer, ran.PreStop, ran.PreFreeze));
    }

    [Fact]
    public async Task A_web_app_runs_its_initializer_once_before_the_first_call_without_an_initialize_call()
    {
        var ran = new Ran();
        var initializedBeforeEndpoint = new List<int>();
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.OnInitialize(_ => { Interlocked.Increment(ref ran.Initializer); });
            app.MapGet("/hello", () => { lock (initializedBeforeEndpoint) initializedBeforeEndpoint.Add(ran.Initializer); return "web hello"; });
        });

        // A readiness probe (no request id, as s local and fc-local send it) answers at once and does not run it.
        using (var probe = await host.Client.GetAsync("/"))
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(0, ran.Initializer);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add(FcHeaders.RequestId, $"web-{i}");
            using var response = await host.Client.SendAsync(request);
            Assert.Equal("web hello", await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(1, ran.Initializer);
        Assert.Equal([1, 1, 1, 1], initializedBeforeEndpoint);
    }

    [Fact]
    public async Task A_web_app_whose_initializer_fails_answers_the_error_and_retries_on_the_next_call()
    {
        var attempts = 0;
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.OnInitialize(_ =>
            {
                if (Interlocked.Increment(ref attempts) == 1) throw new InvalidOperationException("cache not warm yet");
            });
            app.MapGet("/hello", () => "web hello");
        });

        using (var first = new HttpRequestMessage(HttpMethod.Get, "/hello"))
        {
            first.Headers.Add(FcHeaders.RequestId, "web-fail");
            using var response = await host.Client.SendAsync(first);
            var error = await ErrorBody.AssertFailedAsync(response, HttpStatusCode.InternalServerError);
            // A web caller learns only that it failed and under which request id (the initializer's message stays in the log).
            Assert.Equal("InternalServerError", error.ErrorType);
            Assert.DoesNotContain("cache not warm yet", error.ErrorMessage);
            Assert.Contains("web-fail", error.ErrorMessage);
            Assert.Contains(host.Log.Lines, line => line.Contains("web-fail", StringComparison.Ordinal) && line.Contains("cache not warm yet", StringComparison.Ordinal));
        }
        using (var second = new HttpRequestMessage(HttpMethod.Get, "/hello"))
        {
            second.Headers.Add(FcHeaders.RequestId, "web-ok");
            using var response = await host.Client.SendAsync(second);
            Assert.Equal("web hello", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(2, attempts);
    }
}
