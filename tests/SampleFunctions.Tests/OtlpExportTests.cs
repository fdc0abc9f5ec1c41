using System.Net;
using FunctionCompute.OssEmulator;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;
using FunctionCompute.StandIns.Otlp;
using FunctionCompute.Testing;
using FunctionCompute.Tests.Shared;
using Xunit.Abstractions;

namespace SampleFunctions.Tests;

/// <summary>
/// The Native AOT package with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> pointing at a loopback OTLP receiver that decodes the
/// protobuf itself: the spans and metrics of an invocation have arrived by the time its answer has (FC may freeze the
/// instance right after), parented on FC's traceparent, with the OSS client's span as a child whose traceparent the OSS
/// emulator saw, tagged with the FaaS conventions, and with no secret anywhere. A dead or hanging collector costs an
/// invocation nothing but the bounded wait.
/// </summary>
public sealed class OtlpExportTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Trace = "6bf92f3577b34da6a3ce929d0e0e4738";
    private const string CallerSpan = "20f067aa0ba902b9";
    private const string InstanceSecret = "instance-secret-must-not-be-exported";
    private const string InstanceToken = "CAIS-instance-token-must-not-be-exported";
    private OtlpReceiver _receiver = null!;
    private OssEmulatorServer _oss = null!;

    public async Task InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        var options = new OssEmulatorOptions { Region = "cn-hangzhou" };
        options.Buckets.Add(OssSampleTests.Bucket);
        _oss = await OssEmulatorServer.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _oss.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    /// <summary>FC's instance environment, the instance's own (secret) credentials, and the export pointed at <paramref name="endpoint"/>.</summary>
    internal static Dictionary<string, string> Environment(string endpoint, params (string Name, string Value)[] more)
    {
        var environment = LocalOss.Environment(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-collector-key=collector-key-1",
            ["FC_FUNCTION_NAME"] = "otel-sample",
            ["FC_REGION"] = "cn-hangzhou",
            ["FC_ACCOUNT_ID"] = "1234567890123456",
            ["FC_INSTANCE_ID"] = "c-otel-instance-1",
            ["FC_FUNCTION_MEMORY_SIZE"] = "512",
            ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "STS.instance",
            ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = InstanceSecret,
            ["ALIBABA_CLOUD_SECURITY_TOKEN"] = InstanceToken,
            // These tests assert that an answer carries its telemetry with it, not how long it waits at most (the hung
            // collector's test sets its own bound): under a loaded CI machine the receiver's first request (its
            // protobuf code still cold in this process) can take longer than the default 1 s.
            ["FunctionCompute__OpenTelemetry__FlushTimeoutMs"] = "30000",
        });
        foreach (var (name, value) in more) environment[name] = value;
        return environment;
    }

    [Fact]
    public async Task Each_invocations_spans_and_metrics_have_arrived_when_its_answer_does_with_the_trace_structure_attributes_and_no_secret()
    {
        var credential = OssSampleTests.Credential(700);
        _oss.AddCredential(credential);
        // Metrics with every answer: the counts can be read after each.
        await using var function = await FunctionProcess.StartPackageAsync(Environment(_receiver.BaseAddress.ToString().TrimEnd('/'), ("OTEL_METRIC_EXPORT_INTERVAL", "0")));

        var put = OssSampleTests.Invoke("oss-put-object", OssSampleTests.PutEvent(_oss.Endpoint, "otel/object.txt", "exported"), credential);
        put.Headers.Add(FcHeaders.TraceParent, $"00-{Trace}-{CallerSpan}-01");
        var putId = put.Headers.GetValues(FcHeaders.RequestId).Single();
        using (var response = await function.Client.SendAsync(put)) Assert.Equal("success", await response.Content.ReadAsStringAsync());

        // No waiting: what the answer waited for is there.
        var spans = _receiver.Spans.Where(s => s.TraceId == Trace).ToList();
        var invocation = Assert.Single(spans, s => s.Scope == "FunctionCompute.Runtime");
        Assert.Equal(CallerSpan, invocation.ParentSpanId);
        Assert.Equal(Span.Types.SpanKind.Server, invocation.Span.Kind);
        Assert.Equal("otel-sample", invocation.Span.Name);
        Assert.Equal(putId, invocation["faas.invocation_id"]);
        Assert.Equal(true, invocation["faas.coldstart"]);
        Assert.Equal("other", invocation["faas.trigger"]);
        Assert.Equal("alibaba_cloud", invocation["cloud.provider"]);
        Assert.Equal("cn-hangzhou", invocation["cloud.region"]);
        Assert.Equal(Status.Types.StatusCode.Unset, invocation.Span.Status?.Code ?? Status.Types.StatusCode.Unset);
        var oss = Assert.Single(spans, s => s.Scope == "FunctionCompute.Oss");
        Assert.Equal(invocation.SpanId, oss.ParentSpanId);
        Assert.Equal(Span.Types.SpanKind.Client, oss.Span.Kind);
        Assert.Equal("OSS/PutObject", oss.Span.Name);
        Assert.Equal(OssSampleTests.Bucket, oss["alibaba_cloud.oss.bucket"]);
        Assert.Equal(200L, oss["http.response.status_code"]);
        var sent = Assert.Single(Assert.Single(_oss.RequestsFor("PutObject"), r => r.Key == "otel/object.txt").TraceParents);
        Assert.Equal($"00-{Trace}-{oss.SpanId}-01", sent);
        Assert.Equal("otel-sample [server]\n  OSS/PutObject [client]\n", OtlpReceiver.Render(spans));
        output.WriteLine(OtlpReceiver.Render(spans, attributes: true));

        var resource = invocation.Resource;
        Assert.Equal("otel-sample", resource["service.name"]);
        Assert.Equal("c-otel-instance-1", resource["service.instance.id"]);
        Assert.Equal("alibaba_cloud", resource["cloud.provider"]);
        Assert.Equal("alibaba_cloud_fc", resource["cloud.platform"]);
        Assert.Equal("cn-hangzhou", resource["cloud.region"]);
        Assert.Equal("1234567890123456", resource["cloud.account.id"]);
        Assert.Equal("otel-sample", resource["faas.name"]);
        Assert.Equal("c-otel-instance-1", resource["faas.instance"]);
        Assert.Equal(512L * 1024 * 1024, resource["faas.max_memory"]);
        Assert.All(_receiver.Headers, headers => Assert.Equal("collector-key-1", headers["x-collector-key"].ToString()));

        var metrics = _receiver.Metrics;
        Assert.Equal(1, Count("faas.invocations"));
        Assert.Equal(1, Count("faas.coldstarts"));
        Assert.Equal(0, Count("fc.invocations.active"));
        Assert.Equal(1UL, Assert.Single(_receiver.Latest("faas.invoke_duration")!.Metric.Histogram.DataPoints).Count);

        // A failing handler: error status, its type, the same trace's caller.
        const string failTrace = "7bf92f3577b34da6a3ce929d0e0e4739";
        var fail = OssSampleTests.Invoke("fail", "boom", credential);
        fail.Headers.Add(FcHeaders.TraceParent, $"00-{failTrace}-{CallerSpan}-01");
        using (var response = await function.Client.SendAsync(fail)) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var failed = Assert.Single(_receiver.Spans, s => s.TraceId == failTrace);
        Assert.Equal(Status.Types.StatusCode.Error, failed.Span.Status.Code);
        Assert.Contains("fail was asked to fail: boom", failed.Span.Status.Message);
        Assert.Equal("System.InvalidOperationException", failed["error.type"]);
        Assert.Equal(false, failed["faas.coldstart"]);

        Assert.Equal(2, Count("faas.invocations"));
        Assert.Equal(1, Count("faas.coldstarts"));
        var errors = Assert.Single(_receiver.Latest("faas.errors")!.Metric.Sum.DataPoints);
        Assert.Equal(1, errors.AsInt);
        Assert.Equal("System.InvalidOperationException", OtlpReceiver.Flatten(errors.Attributes)["error.type"]);
        Assert.Equal(2UL, Assert.Single(_receiver.Latest("faas.invoke_duration")!.Metric.Histogram.DataPoints).Count);
        var eventSizes = Assert.Single(_receiver.Latest("fc.event.size")!.Metric.Histogram.DataPoints);
        Assert.Equal(2UL, eventSizes.Count);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(OssSampleTests.PutEvent(_oss.Endpoint, "otel/object.txt", "exported")) + 4, eventSizes.Sum);

        foreach (var secret in new[] { credential.AccessKeySecret, credential.SecurityToken!, InstanceSecret, InstanceToken })
            Assert.DoesNotContain(_receiver.Strings, value => value.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(_receiver.Strings, value => value.Contains("Signature", StringComparison.OrdinalIgnoreCase));

        long Count(string name) => Assert.Single(_receiver.Latest(name)!.Metric.Sum.DataPoints).AsInt;
    }

    [Fact]
    public async Task Metrics_go_out_with_the_first_answer_of_each_interval_and_in_pre_stop()
    {
        // The default interval (60 s): the first answer sends metrics, the next ones only spans, pre-stop sends the rest.
        await using var function = await FunctionProcess.StartPackageAsync(Environment(_receiver.BaseAddress.ToString().TrimEnd('/')));
        for (var i = 0; i < 3; i++)
        {
            using (var response = await function.Client.SendAsync(EchoCall($"interval-{i}")))
                Assert.Equal($"interval-{i}", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(1, Invocations());
        Assert.Equal(3, _receiver.Spans.Count(s => s.Scope == "FunctionCompute.Runtime"));

        using var preStop = new HttpRequestMessage(HttpMethod.Get, "/pre-stop");
        preStop.Headers.Add(FcHeaders.ControlPath, "/pre-stop");
        preStop.Headers.Add(FcHeaders.RequestId, "pre-stop-1");
        using (var response = await function.Client.SendAsync(preStop)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(3, Invocations());
        Assert.Contains(_receiver.Spans, s => s.Span.Name == "pre-stop");

        long Invocations() => Assert.Single(_receiver.Latest("faas.invocations")!.Metric.Sum.DataPoints).AsInt;
    }

    [Fact]
    public async Task Under_concurrent_invocations_each_ones_span_has_arrived_when_its_answer_does()
    {
        const int Callers = 64;
        await using var function = await FunctionProcess.StartPackageAsync(Environment(_receiver.BaseAddress.ToString().TrimEnd('/')));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers }) { BaseAddress = function.Client.BaseAddress };

        var arrived = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
        {
            var trace = $"{i:x8}" + "5bf92f3577b34da6a3ce929d";
            using var request = EchoCall($"concurrent-{i}");
            request.Headers.Remove(FcHeaders.TraceParent);
            request.Headers.Add(FcHeaders.TraceParent, $"00-{trace}-{CallerSpan}-01");
            using var response = await client.SendAsync(request);
            Assert.Equal($"concurrent-{i}", await response.Content.ReadAsStringAsync());
            // Read as the answer arrives: the flush this answer waited for must have carried its span.
            return _receiver.Spans.Count(s => s.TraceId == trace);
        })));

        Assert.All(arrived, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task With_a_collector_that_refuses_or_never_answers_the_invocation_still_answers_correctly()
    {
        var closed = $"http://127.0.0.1:{Loopback.FreePort()}";
        await using (var function = await FunctionProcess.StartPackageAsync(Environment(closed)))
        {
            for (var i = 0; i < 3; i++)
            {
                using (var response = await function.Client.SendAsync(EchoCall($"refused-{i}")))
                    Assert.Equal($"refused-{i}", await response.Content.ReadAsStringAsync());
            }
        }

        _receiver.Hang = true;
        await using (var function = await FunctionProcess.StartPackageAsync(Environment(_receiver.BaseAddress.ToString().TrimEnd('/'),
            ("FunctionCompute__OpenTelemetry__FlushTimeoutMs", "200"))))
        {
            for (var i = 0; i < 3; i++)
            {
                using (var response = await function.Client.SendAsync(EchoCall($"hung-{i}")))
                    Assert.Equal($"hung-{i}", await response.Content.ReadAsStringAsync());
            }

            Assert.Contains("FC Invoke End RequestId: hung-2", function.Output);
        }
        Assert.Empty(_receiver.Spans);
    }

    private static HttpRequestMessage EchoCall(string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent(id) };
        request.Headers.Add(FcHeaders.ControlPath, "/invoke");
        request.Headers.Add(FcHeaders.FunctionHandler, "echo");
        request.Headers.Add(FcHeaders.RequestId, id);
        request.Headers.Add(FcHeaders.TraceParent, $"00-{Trace}-{CallerSpan}-01");
        return request;
    }
}

/// <summary>
/// The test kit over the sample's own Program, given an endpoint on its command line: the in-memory call is exported
/// like the package's. Its tracer provider listens process-wide, so it runs alone, with the other tracing tests.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class KitOtlpExportTests
{
    private const string CallerSpan = "20f067aa0ba902b9";

    /// <summary>As for the package: these tests assert that an answer carries its telemetry, not the 1 s default bound.</summary>
    private const string KitFlushBound = "--FunctionCompute:OpenTelemetry:FlushTimeoutMs=30000";

    [Fact]
    public async Task The_test_kit_exports_an_in_memory_invocation_when_the_app_is_given_an_endpoint()
    {
        const string kitTrace = "8bf92f3577b34da6a3ce929d0e0e4730";
        await using var receiver = await OtlpReceiver.StartAsync();
        // The standard variables come from any configuration source; here the app's command line.
        await using var fc = FcTestApp.Create(configure => SampleApp.Create([KitFlushBound, $"--OTEL_EXPORTER_OTLP_ENDPOINT={receiver.BaseAddress.ToString().TrimEnd('/')}",
            "--OTEL_SERVICE_NAME=kit-renamed", "--OTEL_RESOURCE_ATTRIBUTES=deployment.environment=test,cloud.region=overridden"], configure));
        var context = new FcContextBuilder().WithRequestId("kit-otlp-1").WithTraceParent($"00-{kitTrace}-{CallerSpan}-01");

        var result = await fc.InvokeAsync("echo", "kit", context);

        Assert.Equal("kit", result.Text);
        var span = Assert.Single(receiver.Spans, s => s.TraceId == kitTrace);
        Assert.Equal("kit-otlp-1", span["faas.invocation_id"]);
        Assert.Equal(CallerSpan, span.ParentSpanId);
        // The user's variables win over the runtime's resource defaults.
        Assert.Equal("kit-renamed", span.Resource["service.name"]);
        Assert.Equal("test", span.Resource["deployment.environment"]);
        Assert.Equal("overridden", span.Resource["cloud.region"]);
        Assert.Equal("alibaba_cloud", span.Resource["cloud.provider"]);
    }

    [Fact]
    public async Task The_test_kit_hands_each_result_the_spans_of_its_own_trace_when_it_captures_activities()
    {
        var options = new OssEmulatorOptions { Region = "cn-hangzhou" };
        options.Buckets.Add(OssSampleTests.Bucket);
        await using var oss = await OssEmulatorServer.StartAsync(options);
        var credential = OssSampleTests.Credential(701);
        oss.AddCredential(credential);
        await using var fc = FcTestApp.Create(configure => SampleApp.Create([], configure)).CaptureActivities();
        FcContextBuilder Context(string id) => new FcContextBuilder().WithRequestId(id)
            .WithCredentials(credential.AccessKeyId, credential.AccessKeySecret, credential.SecurityToken);

        var put = await fc.InvokeAsync("oss-put-object", OssSampleTests.PutEvent(oss.Endpoint, "kit/captured.txt", "captured"), Context("kit-captured-1"));
        var echo = await fc.InvokeAsync("echo", "plain", Context("kit-captured-2"));

        Assert.True(put.Succeeded, put.Text);
        Assert.Collection(put.Activities,
            client => Assert.Equal("OSS/PutObject", client.DisplayName),
            server => Assert.Equal("kit-captured-1", server.GetTagItem("faas.invocation_id")));
        Assert.Equal(put.Activities[1].SpanId, put.Activities[0].ParentSpanId);
        var only = Assert.Single(echo.Activities);
        Assert.Equal("kit-captured-2", only.GetTagItem("faas.invocation_id"));
        Assert.NotEqual(put.Activities[1].TraceId, only.TraceId);
    }

    [Fact]
    public async Task A_signal_endpoint_is_used_as_it_is_and_turns_on_only_its_signal()
    {
        const string signalTrace = "abf92f3577b34da6a3ce929d0e0e4732";
        await using var receiver = await OtlpReceiver.StartAsync();
        // The specification: a signal's own endpoint is the whole URL (no /v1/traces appended), and no common endpoint
        // means the other signal is not exported.
        await using var fc = FcTestApp.Create(configure => SampleApp.Create([KitFlushBound, $"--OTEL_EXPORTER_OTLP_TRACES_ENDPOINT={receiver.BaseAddress}v1/traces",
            "--OTEL_EXPORTER_OTLP_TRACES_HEADERS=x-collector-key=traces-key", "--OTEL_METRIC_EXPORT_INTERVAL=0"], configure));

        var result = await fc.InvokeAsync("echo", "signal", new FcContextBuilder().WithRequestId("kit-signal-1").WithTraceParent($"00-{signalTrace}-{CallerSpan}-01"));

        Assert.Equal("signal", result.Text);
        Assert.Single(receiver.Spans, s => s.TraceId == signalTrace);
        Assert.Empty(receiver.Metrics);
        Assert.All(receiver.Headers, headers => Assert.Equal("traces-key", headers["x-collector-key"].ToString()));
    }

    [Fact]
    public async Task Metrics_temporality_follows_the_standard_variable()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var fc = FcTestApp.Create(configure => SampleApp.Create([KitFlushBound, $"--OTEL_EXPORTER_OTLP_METRICS_ENDPOINT={receiver.BaseAddress}v1/metrics",
            "--OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta", "--OTEL_METRIC_EXPORT_INTERVAL=0"], configure));

        await fc.InvokeAsync("echo", "delta", new FcContextBuilder().WithRequestId("kit-delta-1"));

        var invocations = receiver.Latest("faas.invocations")!.Metric.Sum;
        Assert.Equal(AggregationTemporality.Delta, invocations.AggregationTemporality);
    }

    [Theory]
    [InlineData("--OTEL_EXPORTER_OTLP_PROTOCOL=http/json", "must be http/protobuf or grpc")]
    [InlineData("--OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=collector:4318", "must be an absolute http:// or https:// URL")]
    [InlineData("--OTEL_BSP_MAX_QUEUE_SIZE=0", "OTEL_BSP_MAX_QUEUE_SIZE must be a whole number above 0")]
    [InlineData("--OTEL_EXPORTER_OTLP_TIMEOUT=0", "OTEL_EXPORTER_OTLP_TIMEOUT must be a whole number above 0")]
    [InlineData("--OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=sometimes", "must be cumulative, delta or lowmemory")]
    public void Export_settings_that_cannot_work_stop_the_app_at_start_with_what_is_wrong(string setting, string message)
    {
        // Startup, not the first answer, is where a deployment learns its telemetry settings are wrong.
        var error = Assert.Throws<InvalidOperationException>(() => SampleApp.Create(["--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318", setting]));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task With_otlp_grpc_the_in_memory_invocation_reaches_a_grpc_receiver()
    {
        const string grpcTrace = "9bf92f3577b34da6a3ce929d0e0e4731";
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        await using var fc = FcTestApp.Create(configure => SampleApp.Create([KitFlushBound, $"--OTEL_EXPORTER_OTLP_ENDPOINT={receiver.BaseAddress.ToString().TrimEnd('/')}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "--OTEL_METRIC_EXPORT_INTERVAL=0"], configure));

        var result = await fc.InvokeAsync("echo", "grpc", new FcContextBuilder().WithRequestId("kit-grpc-1").WithTraceParent($"00-{grpcTrace}-{CallerSpan}-01"));

        Assert.Equal("grpc", result.Text);
        var span = Assert.Single(receiver.Spans, s => s.TraceId == grpcTrace);
        Assert.Equal("kit-grpc-1", span["faas.invocation_id"]);
        Assert.NotNull(receiver.Latest("faas.invocations"));
    }
}
