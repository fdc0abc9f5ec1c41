using System.Diagnostics;
using System.Net;
using FunctionCompute.OssEmulator;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;
using FunctionCompute.Testing;
using FunctionCompute.Tests.Shared;

namespace SampleFunctions.Tests;

/// <summary>
/// A traced invocation whose handler writes to the local OSS: the OSS client's span is a child of the invocation's,
/// the OSS server receives exactly one traceparent and it names that span, and no tag carries a secret.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class OssTracingTests : IAsyncLifetime
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpan = "00f067aa0ba902b7";
    private OssEmulatorServer _oss = null!;
    private FcTestServer _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var options = new OssEmulatorOptions { Region = "cn-hangzhou" };
        options.Buckets.Add(OssSampleTests.Bucket);
        _oss = await OssEmulatorServer.StartAsync(options);
        (_app, _client) = await InProcessSampleApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _oss.DisposeAsync();
    }

    [Fact]
    public async Task The_oss_call_of_a_traced_invocation_is_a_client_span_whose_traceparent_reaches_oss_and_whose_tags_hold_no_secret()
    {
        // HttpClient's own source too: its span must not take over the header.
        using var recorder = new ActivityRecorder("FunctionCompute.Runtime", "FunctionCompute.Oss", "System.Net.Http");
        var credential = OssSampleTests.Credential(500);
        _oss.AddCredential(credential);
        var invoke = OssSampleTests.Invoke("oss-put-object", OssSampleTests.PutEvent(_oss.Endpoint, "traced/object.txt", "traced"), credential);
        invoke.Headers.Add(FcHeaders.TraceParent, $"00-{Trace}-{CallerSpan}-01");

        using var response = await _client.SendAsync(invoke);

        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        var spans = recorder.Of(ActivityTraceId.CreateFromString(Trace));
        var invocation = Assert.Single(spans, s => s.Source.Name == "FunctionCompute.Runtime");
        Assert.Equal(CallerSpan, invocation.ParentSpanId.ToHexString());
        var oss = Assert.Single(spans, s => s.Source.Name == "FunctionCompute.Oss");
        Assert.Equal(ActivityKind.Client, oss.Kind);
        Assert.Equal(invocation.SpanId, oss.ParentSpanId);
        Assert.Equal("OSS/PutObject", oss.DisplayName);
        Assert.Equal("alibaba_cloud_oss", oss.GetTagItem("rpc.system"));
        Assert.Equal("PutObject", oss.GetTagItem("rpc.method"));
        Assert.Equal(OssSampleTests.Bucket, oss.GetTagItem("alibaba_cloud.oss.bucket"));
        Assert.Equal("PUT", oss.GetTagItem("http.request.method"));
        Assert.Equal(200, oss.GetTagItem("http.response.status_code"));
        Assert.Equal("127.0.0.1", oss.GetTagItem("server.address"));
        var url = Assert.IsType<string>(oss.GetTagItem("url.full"));
        Assert.StartsWith("http://127.0.0.1:", url);
        Assert.DoesNotContain("?", url);

        var put = Assert.Single(_oss.RequestsFor("PutObject"), r => r.Key == "traced/object.txt");
        var sent = Assert.Single(put.TraceParents);
        Assert.Equal($"00-{Trace}-{oss.SpanId.ToHexString()}-01", sent);

        var values = spans.SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? "").Concat(s.Baggage.Select(b => b.Value ?? ""))).ToList();
        foreach (var forbidden in new[] { credential.AccessKeySecret, credential.SecurityToken!, "Signature", "OSS4-HMAC-SHA256", "x-oss-security-token" })
            Assert.DoesNotContain(values, value => value.Contains(forbidden, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_test_kit_traces_an_in_memory_call_like_the_server_its_activity_continues_the_traceparent_and_parents_the_oss_span()
    {
        // The kit runs the runtime's own pipeline without HTTP: the call's Activity must start there too.
        const string kitTrace = "5bf92f3577b34da6a3ce929d0e0e4737";
        using var recorder = new ActivityRecorder("FunctionCompute.Runtime", "FunctionCompute.Oss");
        var credential = OssSampleTests.Credential(501);
        _oss.AddCredential(credential);
        await using var fc = FcTestApp.Create(configure => SampleApp.Create([], configure));
        var context = new FcContextBuilder()
            .WithCredentials(credential.AccessKeyId, credential.AccessKeySecret, credential.SecurityToken)
            .WithRequestId("kit-traced-1")
            .WithTraceParent($"00-{kitTrace}-{CallerSpan}-01");

        var result = await fc.InvokeAsync("oss-put-object", OssSampleTests.PutEvent(_oss.Endpoint, "kit/object.txt", "kit"), context);

        Assert.True(result.Succeeded, result.Text);
        var spans = recorder.Of(ActivityTraceId.CreateFromString(kitTrace));
        var invocation = Assert.Single(spans, s => s.Source.Name == "FunctionCompute.Runtime");
        Assert.Equal(ActivityKind.Server, invocation.Kind);
        Assert.Equal(CallerSpan, invocation.ParentSpanId.ToHexString());
        Assert.Equal("kit-traced-1", invocation.GetTagItem("faas.invocation_id"));
        var oss = Assert.Single(spans, s => s.Source.Name == "FunctionCompute.Oss");
        Assert.Equal(invocation.SpanId, oss.ParentSpanId);
    }

    [Fact]
    public async Task An_oss_error_marks_the_client_span_and_the_invocation_failed()
    {
        using var recorder = new ActivityRecorder("FunctionCompute.Runtime", "FunctionCompute.Oss");
        var unknown = OssSampleTests.Credential(501);
        var invoke = OssSampleTests.Invoke("oss-put-object", OssSampleTests.PutEvent(_oss.Endpoint, "traced/denied.txt", "x"), unknown);
        invoke.Headers.Add(FcHeaders.TraceParent, $"00-{Trace}-{CallerSpan}-01");

        using var response = await _client.SendAsync(invoke);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var spans = recorder.Of(ActivityTraceId.CreateFromString(Trace));
        var oss = Assert.Single(spans, s => s.Source.Name == "FunctionCompute.Oss");
        Assert.Equal(ActivityStatusCode.Error, oss.Status);
        Assert.Equal(403, oss.GetTagItem("http.response.status_code"));
        Assert.Equal("403", oss.GetTagItem("error.type"));
        var invocation = Assert.Single(spans, s => s.Source.Name == "FunctionCompute.Runtime");
        Assert.Equal(ActivityStatusCode.Error, invocation.Status);
        Assert.Equal("FunctionCompute.Oss.OssException", invocation.GetTagItem("error.type"));
    }
}

/// <summary>
/// The Native AOT package, with nobody listening in its process (no exporter yet): a call that carries FC's trace
/// context still hands it on to OSS, so the trace does not break at the function; one without sends none.
/// </summary>
public class PackagedTracingTests
{
    [Fact]
    public async Task The_packaged_function_carries_fcs_trace_to_oss_without_any_listener()
    {
        const string trace = "5bf92f3577b34da6a3ce929d0e0e4737", callerSpan = "10f067aa0ba902b8";
        var credential = OssSampleTests.Credential(8);
        var options = new OssEmulatorOptions();
        options.Buckets.Add(OssSampleTests.Bucket);
        options.Credentials.Add(credential);
        await using var oss = await OssEmulatorServer.StartAsync(options);
        await using var function = await FunctionProcess.StartPackageAsync(LocalOss.Environment());

        var traced = OssSampleTests.Invoke("oss-put-object", OssSampleTests.PutEvent(oss.Endpoint, "packaged/traced.txt", "traced"), credential);
        traced.Headers.Add(FcHeaders.TraceParent, $"00-{trace}-{callerSpan}-01");
        using (var response = await function.Client.SendAsync(traced)) Assert.Equal("success", await response.Content.ReadAsStringAsync());
        using (var response = await function.Client.SendAsync(OssSampleTests.Invoke("oss-put-object", OssSampleTests.PutEvent(oss.Endpoint, "packaged/untraced.txt", "untraced"), credential)))
            Assert.Equal("success", await response.Content.ReadAsStringAsync());

        var sent = Assert.Single(Assert.Single(oss.RequestsFor("PutObject"), r => r.Key == "packaged/traced.txt").TraceParents);
        Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-01$", sent);
        Assert.DoesNotContain(callerSpan, sent);
        Assert.Empty(Assert.Single(oss.RequestsFor("PutObject"), r => r.Key == "packaged/untraced.txt").TraceParents);
    }
}
