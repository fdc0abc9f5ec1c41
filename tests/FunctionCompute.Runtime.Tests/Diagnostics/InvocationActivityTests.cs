using System.Collections.Concurrent;
using System.Diagnostics;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Diagnostics;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Tests.Infrastructure;
using FunctionCompute.StandIns;
using FunctionCompute.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime.Tests.Diagnostics;

/// <summary>
/// The invocation Activity: parented on FC's trace context, tagged with the FaaS conventions, current while the handler
/// runs (so HttpClient continues the trace to a real loopback server), error status on failures, and nothing at all
/// when nobody listens and the call carries no trace context.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class InvocationActivityTests : IAsyncLifetime
{
    private const string Trace = "0af7651916cd43dd8448eb211c80319c";
    private const string CallerSpan = "b7ad6b7169203331";
    private static readonly HttpClient Outgoing = new();
    private readonly ConcurrentQueue<string?> _received = new();
    private WebApplication _downstream = null!;
    private Uri _downstreamAddress = null!;

    public async Task InitializeAsync() =>
        (_downstream, _downstreamAddress) = await Kestrel.StartAsync(http =>
        {
            _received.Enqueue(http.Request.Headers.TryGetValue("traceparent", out var values) ? string.Join(" | ", values.ToArray()) : null);
            return http.Response.WriteAsync("downstream");
        });

    public Task DisposeAsync() => Kestrel.StopAsync(_downstream);

    private static Dictionary<string, string> FcHeadersWithTrace(string? traceparent, string? baggage = null)
    {
        var headers = new Dictionary<string, string>
        {
            [FcHeaders.FunctionName] = "traced-fn",
            [FcHeaders.Region] = "cn-hangzhou",
            [FcHeaders.AccountId] = "1234567890123456",
            [FcHeaders.InstanceId] = "c-instance-1",
            [FcHeaders.FunctionMemory] = "512",
        };
        if (traceparent is not null)
        {
            headers[FcHeaders.TraceParent] = traceparent;
            headers[FcHeaders.TraceState] = "fc=1";
        }
        if (baggage is not null) headers["baggage"] = baggage;
        return headers;
    }

    /// <summary>A handler that calls the downstream server and answers which Activity was current around the call.</summary>
    private Task<TestFunctionHost> StartCallingHostAsync() => TestFunctionHost.StartAsync(app =>
        app.MapEvent("call", async (Stream _, IFcContext _) =>
        {
            var current = Activity.Current;
            await Outgoing.GetStringAsync(_downstreamAddress);
            return (Stream)new MemoryStream(System.Text.Encoding.UTF8.GetBytes(current is null ? "none" : current.SpanId.ToHexString() + " " + current.GetBaggageItem("tenant")));
        }));

    [Fact]
    public async Task An_invocation_with_a_traceparent_is_a_server_activity_of_that_trace_with_the_faas_tags_and_a_cold_start_only_first()
    {
        using var recorder = new ActivityRecorder(InvocationActivity.SourceName, "System.Net.Http");
        await using var host = await StartCallingHostAsync();

        var answers = new List<string>();
        foreach (var id in new[] { "traced-1", "traced-2" })
        {
            using var response = await host.Client.SendAsync(Fc.Invoke("call", "x", requestId: id, headers: FcHeadersWithTrace($"00-{Trace}-{CallerSpan}-01", "tenant=acme")));
            ErrorBody.AssertSucceeded(response);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        var all = recorder.Of(ActivityTraceId.CreateFromString(Trace));
        var activities = all.Where(a => a.Source.Name == InvocationActivity.SourceName).ToList();
        Assert.Equal(2, activities.Count);
        foreach (var (activity, id) in activities.Zip(["traced-1", "traced-2"]))
        {
            Assert.Equal(ActivityKind.Server, activity.Kind);
            Assert.Equal("traced-fn", activity.DisplayName);
            Assert.Equal(CallerSpan, activity.ParentSpanId.ToHexString());
            Assert.Equal("fc=1", activity.TraceStateString);
            Assert.Equal("acme", activity.GetBaggageItem("tenant"));
            Assert.Equal(id, activity.GetTagItem("faas.invocation_id"));
            Assert.Equal("traced-fn", activity.GetTagItem("faas.name"));
            Assert.Equal("other", activity.GetTagItem("faas.trigger"));
            Assert.Equal("alibaba_cloud", activity.GetTagItem("cloud.provider"));
            Assert.Equal("cn-hangzhou", activity.GetTagItem("cloud.region"));
            Assert.Equal("1234567890123456", activity.GetTagItem("cloud.account.id"));
            Assert.Equal("c-instance-1", activity.GetTagItem("faas.instance"));
            Assert.Equal(512L * 1024 * 1024, activity.GetTagItem("faas.max_memory"));
            Assert.Equal(ActivityStatusCode.Unset, activity.Status);
        }
        Assert.Equal(true, activities[0].GetTagItem("faas.coldstart"));
        Assert.Equal(false, activities[1].GetTagItem("faas.coldstart"));

        // Current while the handler ran, baggage included; HttpClient's own span is its child, and the one traceparent
        // the downstream server got names that span.
        Assert.Equal([activities[0].SpanId.ToHexString() + " acme", activities[1].SpanId.ToHexString() + " acme"], answers);
        var outgoing = all.Where(a => a.Source.Name == "System.Net.Http").ToList();
        Assert.Equal(activities.Select(a => a.SpanId), outgoing.Select(a => a.ParentSpanId));
        Assert.Equal(outgoing.Select(a => $"00-{Trace}-{a.SpanId.ToHexString()}-01"), _received);
    }

    [Fact]
    public async Task A_web_call_is_an_http_trigger_activity_named_after_its_route_and_hooks_have_their_own()
    {
        using var recorder = new ActivityRecorder(InvocationActivity.SourceName);
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapGet("/items/{id}", (string id) => id);
            app.MapGet("/broken", string () => throw new InvalidOperationException("broken"));
        });

        var web = new HttpRequestMessage(HttpMethod.Get, "/items/7");
        web.Headers.Add(FcHeaders.RequestId, "web-1");
        foreach (var (name, value) in FcHeadersWithTrace($"00-{Trace}-{CallerSpan}-01")) web.Headers.TryAddWithoutValidation(name, value);
        using (var response = await host.Client.SendAsync(web)) Assert.Equal("7", await response.Content.ReadAsStringAsync());
        var broken = new HttpRequestMessage(HttpMethod.Get, "/broken");
        broken.Headers.Add(FcHeaders.RequestId, "web-2");
        broken.Headers.TryAddWithoutValidation(FcHeaders.TraceParent, $"00-{Trace}-{CallerSpan}-01");
        using (var response = await host.Client.SendAsync(broken)) Assert.Equal(500, (int)response.StatusCode);
        using (var hook = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, ControlPaths.Initialize, "init-1", FcHeadersWithTrace($"00-{Trace}-{CallerSpan}-01"))))
            ErrorBody.AssertSucceeded(hook);

        var activities = recorder.Of(ActivityTraceId.CreateFromString(Trace));
        var item = Assert.Single(activities, a => Equals(a.GetTagItem("faas.invocation_id"), "web-1"));
        Assert.Equal("GET /items/{id}", item.DisplayName);
        Assert.Equal("http", item.GetTagItem("faas.trigger"));
        Assert.Equal(200, item.GetTagItem("http.response.status_code"));
        Assert.Equal(true, item.GetTagItem("faas.coldstart"));
        var failed = Assert.Single(activities, a => Equals(a.GetTagItem("faas.invocation_id"), "web-2"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetTagItem("error.type"));
        Assert.Equal(false, failed.GetTagItem("faas.coldstart"));
        var initialize = Assert.Single(activities, a => Equals(a.GetTagItem("faas.invocation_id"), "init-1"));
        Assert.Equal("initialize", initialize.DisplayName);
        Assert.Equal(CallerSpan, initialize.ParentSpanId.ToHexString());
    }

    [Fact]
    public async Task A_failing_or_timed_out_handler_sets_error_status_and_type_without_the_secret_in_the_description()
    {
        using var recorder = new ActivityRecorder(InvocationActivity.SourceName);
        const string secret = "trace-secret-do-not-show-0123456789";
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent("throw", Stream (Stream _, IFcContext context) => throw new InvalidOperationException("failed with " + context.Credentials.AccessKeySecret));
            app.MapEvent("hang", async (Stream input, IFcContext _) => { await Task.Delay(Timeout.Infinite); return input; });
        });

        var headers = FcHeadersWithTrace($"00-{Trace}-{CallerSpan}-01");
        foreach (var (name, value) in Fc.Credentials("STS.trace", secret, "trace-token")) headers[name] = value;
        using (var response = await host.Client.SendAsync(Fc.Invoke("throw", "x", requestId: "fails-1", headers: headers))) Assert.Equal(404, (int)response.StatusCode);
        headers[FcHeaders.FunctionTimeout] = "1";
        using (var response = await host.Client.SendAsync(Fc.Invoke("hang", "x", requestId: "fails-2", headers: headers))) Assert.Equal(404, (int)response.StatusCode);

        var activities = recorder.Of(ActivityTraceId.CreateFromString(Trace));
        var thrown = Assert.Single(activities, a => Equals(a.GetTagItem("faas.invocation_id"), "fails-1"));
        Assert.Equal(ActivityStatusCode.Error, thrown.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, thrown.GetTagItem("error.type"));
        Assert.Equal("failed with ***", thrown.StatusDescription);
        var timedOut = Assert.Single(activities, a => Equals(a.GetTagItem("faas.invocation_id"), "fails-2"));
        Assert.Equal(ActivityStatusCode.Error, timedOut.Status);
        Assert.Equal(typeof(FunctionTimeoutException).FullName, timedOut.GetTagItem("error.type"));
        Assert.All(activities.SelectMany(a => a.TagObjects), tag => Assert.DoesNotContain(secret, tag.Value?.ToString() ?? ""));
    }

    [Fact]
    public async Task Without_a_listener_or_trace_context_there_is_no_activity_and_no_traceparent_goes_out()
    {
        await using var host = await StartCallingHostAsync();

        using var response = await host.Client.SendAsync(Fc.Invoke("call", "x", headers: FcHeadersWithTrace(traceparent: null)));

        ErrorBody.AssertSucceeded(response);
        Assert.Equal("none", await response.Content.ReadAsStringAsync());
        Assert.Equal([null], _received);
    }

    [Fact]
    public async Task Without_a_listener_a_call_with_trace_context_still_carries_its_trace_to_outgoing_calls()
    {
        await using var host = await StartCallingHostAsync();

        using var response = await host.Client.SendAsync(Fc.Invoke("call", "x", headers: FcHeadersWithTrace($"00-{Trace}-{CallerSpan}-01", "tenant=acme")));

        ErrorBody.AssertSucceeded(response);
        // A bare Activity was current (FC's span its parent, the baggage with it); HttpClient, unlistened, still sends
        // one traceparent of FC's trace (naming its own unrecorded child span, as .NET does under a current Activity).
        var answer = (await response.Content.ReadAsStringAsync()).Split(' ');
        Assert.Equal("acme", answer[1]);
        Assert.NotEqual(CallerSpan, answer[0]);
        var sent = Assert.Single(_received);
        Assert.Matches($"^00-{Trace}-[0-9a-f]{{16}}-01$", sent);
        Assert.DoesNotContain(CallerSpan, sent);
    }
}
