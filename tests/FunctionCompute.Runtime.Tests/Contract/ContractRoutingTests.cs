using System.Net;
using System.Text;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime.Tests.Contract;

/// <summary>Every call of the contract's table, over real HTTP to a real Kestrel.</summary>
public class ContractRoutingTests
{
    private static void EchoApp(WebApplication app) =>
        app.MapEvent("echo", (Stream input, IFcContext _) => input);

    [Fact]
    public async Task Event_invoke_with_the_control_path_returns_the_handler_result()
    {
        await using var host = await TestFunctionHost.StartAsync(EchoApp);
        using var response = await host.Client.SendAsync(Fc.Invoke("echo", "payload-1"));
        ErrorBody.AssertSucceeded(response);
        Assert.Equal("payload-1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Event_invoke_without_the_control_path_works_as_s_local_sends_it()
    {
        await using var host = await TestFunctionHost.StartAsync(EchoApp);
        using var request = Fc.Invoke("echo", new StringContent("from s local"), controlPath: false);
        using var response = await host.Client.SendAsync(request);
        ErrorBody.AssertSucceeded(response);
        Assert.Equal("from s local", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_root_answers_readiness_when_the_app_does_not_own_it()
    {
        await using var host = await TestFunctionHost.StartAsync(EchoApp);
        using var response = await host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_root_belongs_to_the_app_when_it_maps_it()
    {
        await using var host = await TestFunctionHost.StartAsync(app => app.MapGet("/", () => "my home page"));
        Assert.Equal("my home page", await host.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Unknown_web_paths_stay_404_without_a_function_error()
    {
        await using var host = await TestFunctionHost.StartAsync(EchoApp);
        using var response = await host.Client.GetAsync("/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("200", Assert.Single(response.Headers.GetValues(FcHeaders.Status)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Initialize_runs_the_initializer_once_per_instance(bool controlPath)
    {
        var runs = 0;
        string? seenRequestId = null;
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            EchoApp(app);
            app.OnInitialize(context => { Interlocked.Increment(ref runs); seenRequestId = context.RequestId; });
        });

        using (var first = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, ControlPaths.Initialize, "init-1", controlPath: controlPath)))
            ErrorBody.AssertSucceeded(first);
        using (var second = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, ControlPaths.Initialize, "init-2", controlPath: controlPath)))
            ErrorBody.AssertSucceeded(second);
        using (var invoke = await host.Client.SendAsync(Fc.Invoke("echo", "x")))
            ErrorBody.AssertSucceeded(invoke);

        Assert.Equal(1, runs);
        Assert.Equal("init-1", seenRequestId);
        Assert.Contains("FC Initialize Start RequestId: init-1", host.Log.Lines);
        Assert.Contains("FC Initialize End RequestId: init-1", host.Log.Lines);
    }

    [Fact]
    public async Task Without_an_initialize_call_the_first_invoke_runs_the_initializer()
    {
        var runs = 0;
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            EchoApp(app);
            app.OnInitialize(_ => { Interlocked.Increment(ref runs); });
        });
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.SendAsync(Fc.Invoke("echo", "x"));
            ErrorBody.AssertSucceeded(response);
        }
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task A_failing_initializer_answers_the_error_and_is_retried_next_time()
    {
        var attempts = 0;
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            EchoApp(app);
            app.OnInitialize(_ =>
            {
                if (Interlocked.Increment(ref attempts) == 1) throw new InvalidOperationException("database not reachable yet");
            });
        });

        using (var first = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, ControlPaths.Initialize)))
        {
            var error = await ErrorBody.AssertFailedAsync(first);
            Assert.Equal("InvalidOperationException", error.ErrorType);
            Assert.Equal("database not reachable yet", error.ErrorMessage);
        }
        using (var second = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, ControlPaths.Initialize)))
            ErrorBody.AssertSucceeded(second);
        Assert.Equal(2, attempts);
    }

    [Theory]
    [InlineData(ControlPaths.PreStop, "PreStop", true)]
    [InlineData(ControlPaths.PreStop, "PreStop", false)]
    [InlineData(ControlPaths.PreFreeze, "PreFreeze", true)]
    public async Task Lifecycle_hooks_run_their_callback_and_log_their_lines(string path, string name, bool controlPath)
    {
        string? ran = null;
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            EchoApp(app);
            app.OnPreStop(context => { ran = "pre-stop " + context.RequestId; return Task.CompletedTask; });
            app.OnPreFreeze(context => { ran = "pre-freeze " + context.RequestId; return Task.CompletedTask; });
        });

        using var response = await host.Client.SendAsync(Fc.Hook(HttpMethod.Get, path, "hook-1", controlPath: controlPath));

        ErrorBody.AssertSucceeded(response);
        Assert.Equal((path == ControlPaths.PreStop ? "pre-stop" : "pre-freeze") + " hook-1", ran);
        Assert.Contains($"FC {name} Start RequestId: hook-1", host.Log.Lines);
        Assert.Contains($"FC {name} End RequestId: hook-1", host.Log.Lines);
    }

    [Theory]
    [InlineData("POST", ControlPaths.Initialize)]
    [InlineData("GET", ControlPaths.PreStop)]
    [InlineData("GET", ControlPaths.PreFreeze)]
    public async Task Hooks_the_app_does_not_implement_answer_200(string method, string path)
    {
        await using var host = await TestFunctionHost.StartAsync(EchoApp);
        using var response = await host.Client.SendAsync(Fc.Hook(new HttpMethod(method), path));
        ErrorBody.AssertSucceeded(response);
    }

    [Fact]
    public async Task Http_invoke_reaches_the_app_endpoint_with_the_context()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            EchoApp(app);
            app.MapPost("/orders/{id}", async (string id, HttpContext http) =>
            {
                var context = http.GetFcContext();
                var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
                return $"{id}|{body}|{context.RequestId}|{context.Region}|{http.Request.Query["q"]}";
            });
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/42?q=yes") { Content = new StringContent("order-body") };
        request.Headers.Add(FcHeaders.ControlPath, ControlPaths.HttpInvoke);
        request.Headers.Add(FcHeaders.RequestId, "web-1");
        request.Headers.Add(FcHeaders.Region, "cn-shenzhen");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("200", Assert.Single(response.Headers.GetValues(FcHeaders.Status)));
        Assert.Equal("42|order-body|web-1|cn-shenzhen|yes", await response.Content.ReadAsStringAsync());
        Assert.Contains("FC Invoke Start RequestId: web-1", host.Log.Lines);
        await host.WaitForLogLineAsync("FC Invoke End RequestId: web-1");
    }

    [Fact]
    public async Task Web_endpoints_can_take_the_context_from_dependency_injection()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapGet("/di", (IFcContext context) => $"{context.RequestId}:{context.AccountId}"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/di");
        request.Headers.Add(FcHeaders.RequestId, "di-1");
        request.Headers.Add(FcHeaders.AccountId, "1357");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal("di-1:1357", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_web_app_without_event_handlers_owns_post_invoke()
    {
        await using var host = await TestFunctionHost.StartAsync(app => app.MapPost("/invoke", () => "web route"));
        using var response = await host.Client.PostAsync("/invoke", new StringContent("x"));
        Assert.Equal("web route", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fc_control_calls_never_reach_app_endpoints_on_the_same_path()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            EchoApp(app);
            app.MapPost("/invoke", () => "web route");
        });
        using var response = await host.Client.SendAsync(Fc.Invoke("echo", "event"));
        Assert.Equal("event", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Keep_alive_connections_are_reused_across_calls()
    {
        await using var host = await TestFunctionHost.StartAsync(app => app.MapGet("/connection", (HttpContext http) => http.Connection.Id));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = host.Address };
        var ids = new HashSet<string>();
        for (var i = 0; i < 5; i++) ids.Add(await client.GetStringAsync("/connection"));
        Assert.Single(ids);
    }
}
