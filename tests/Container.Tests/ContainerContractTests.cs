using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionCompute.OssEmulator;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;
using Xunit.Abstractions;

namespace Container.Tests;

/// <summary>The Dockerfile's image on a real Docker engine, driven through the same contract as the process.</summary>
[Collection(ImageCollection.Name)]
[Trait("Category", "Container")]
public partial class ContainerContractTests(ImageFixture image, ITestOutputHelper output)
{
    private const string Secret = "container-secret-8f7e6d5c4b3a";
    private const string Token = "CAIS-container-token-0a1b2c3d4e5f";

    private static HttpRequestMessage Invoke(string handler, string body, string requestId, string? keyId = null, string? secret = Secret, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent(body) };
        request.Headers.Add(FcHeaders.ControlPath, "/invoke");
        request.Headers.Add(FcHeaders.FunctionHandler, handler);
        request.Headers.Add(FcHeaders.RequestId, requestId);
        request.Headers.Add(FcHeaders.Region, "cn-hangzhou");
        request.Headers.Add(FcHeaders.FunctionTimeout, "30");
        request.Headers.Add(FcHeaders.AccessKeyId, keyId ?? "STS.container");
        request.Headers.Add(FcHeaders.AccessKeySecret, secret ?? "");
        request.Headers.Add(FcHeaders.SecurityToken, token ?? "");
        return request;
    }

    [Fact]
    public async Task The_container_serves_invokes_and_errors_and_logs_as_fc_expects()
    {
        await using var container = await FunctionContainer.StartAsync(image.Image);

        using var echo = await container.Client.SendAsync(Invoke("echo", "hello container", "c-echo"));
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        Assert.Equal("200", echo.Headers.GetValues(FcHeaders.Status).Single());
        Assert.Equal("hello container", await echo.Content.ReadAsStringAsync());

        using var fail = await container.Client.SendAsync(Invoke("fail", $"with {Secret}", "c-fail"));
        Assert.Equal(HttpStatusCode.NotFound, fail.StatusCode);
        Assert.Equal("404", fail.Headers.GetValues(FcHeaders.Status).Single());
        using (var error = JsonDocument.Parse(await fail.Content.ReadAsStringAsync()))
        {
            Assert.Equal("InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
            Assert.Equal("fail was asked to fail: with ***", error.RootElement.GetProperty("errorMessage").GetString());
        }

        using var malformed = await container.Client.SendAsync(Invoke("greet", "{\"name\":", "c-bad"));
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);

        using var after = await container.Client.SendAsync(Invoke("greet", "{\"name\":\"still serving\"}", "c-after"));
        Assert.Contains("Hello, still serving!", await after.Content.ReadAsStringAsync());

        var logs = await container.LogsAsync();
        foreach (var id in new[] { "c-echo", "c-fail", "c-bad", "c-after" })
        {
            Assert.Contains($"FC Invoke Start RequestId: {id}", logs);
            Assert.Contains($"FC Invoke End RequestId: {id}", logs);
        }
        Assert.DoesNotContain(Secret, logs);
        Assert.DoesNotContain(Token, logs);
    }

    [Fact]
    public async Task The_container_puts_an_object_into_the_local_oss()
    {
        var options = new OssEmulatorOptions();
        options.Buckets.Add("container-bucket");
        options.Credentials.Add(new EmulatorCredential("STS.container-oss", Secret, Token));
        await using var oss = await OssEmulatorServer.StartAsync(options);
        // docker run -e OSS_ALLOW_LOOPBACK_ENDPOINTS=true: the local OSS is on loopback (the container shares the host network).
        await using var container = await FunctionContainer.StartAsync(image.Image, (LocalOss.AllowLoopbackVariable, "true"));

        var putEvent = $$"""{"endpoint":"{{oss.Endpoint}}","bucket":"container-bucket","objectName":"from/container.txt","message":"written from the container"}""";
        using var put = await container.Client.SendAsync(Invoke("oss-put-object", putEvent, "c-put", keyId: "STS.container-oss"));

        Assert.Equal("success", await put.Content.ReadAsStringAsync());
        Assert.Equal("written from the container", Encoding.UTF8.GetString(oss.Objects.ReadAllBytes("container-bucket", "from/container.txt")));
        Assert.Equal("STS.container-oss", oss.Objects.Get("container-bucket", "from/container.txt")!.WrittenBy);
    }

    [Fact]
    public async Task Docker_stop_lets_the_invocation_in_flight_finish_and_the_app_exits_0()
    {
        await using var container = await FunctionContainer.StartAsync(image.Image);

        var inFlight = container.Client.SendAsync(Invoke("sleep", """{"milliseconds":1500}""", "c-sleep"));
        for (var i = 0; i < 200 && !(await container.LogsAsync()).Contains("sleeping 1500 ms"); i++) await Task.Delay(25);
        var stop = container.StopAsync();

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"slept":1500}""", await response.Content.ReadAsStringAsync());
        await stop;
        Assert.Equal(0, await container.ExitCodeAsync());
        Assert.Contains("FC Invoke End RequestId: c-sleep", await container.LogsAsync());
    }

    [Fact]
    public async Task The_image_has_fc_code_layout_and_runs_as_a_non_root_user()
    {
        await using var container = await FunctionContainer.StartAsync(image.Image);
        Assert.NotEqual("0", await container.ExecAsync("id", "-u"));
        var listing = await container.ExecAsync("ls", "-l", "/code");
        Assert.Matches(@"-rwx.*bootstrap", listing);
        Assert.Matches(@"-rwx.*SampleFunctions", listing);
        output.WriteLine($"image {image.Image}: {image.SizeBytes / (1024.0 * 1024):0.0} MiB");
    }

    [Fact]
    public async Task The_binary_needs_no_newer_glibc_than_the_run_image_has()
    {
        // Build and run stages are one image family; this proves it rather than trusting it.
        var runGlibc = Version.Parse(await Docker.RunAsync(TimeSpan.FromSeconds(60), "run", "--rm", "--entrypoint", "getconf", image.Image, "GNU_LIBC_VERSION") is var text
            ? text.Split(' ')[^1] : "");
        var created = await Docker.RunAsync(TimeSpan.FromSeconds(30), "create", image.Image);
        var binary = Path.Combine(Path.GetTempPath(), $"SampleFunctions-{created[..12]}");
        try
        {
            await Docker.RunAsync(TimeSpan.FromSeconds(30), "cp", $"{created}:/code/SampleFunctions", binary);
            var symbols = await RunToolAsync("objdump", "-T", binary);
            var needed = GlibcVersion().Matches(symbols).Select(m => Version.Parse(m.Groups[1].Value)).Max()!;
            output.WriteLine($"binary needs GLIBC_{needed}; the run image has {runGlibc}");
            Assert.True(needed <= runGlibc, $"the binary needs GLIBC_{needed} but the run image has {runGlibc}");
        }
        finally
        {
            File.Delete(binary);
            await Docker.RunAsync(TimeSpan.FromSeconds(30), "rm", created);
        }
    }

    [Fact]
    public async Task The_container_exports_the_invocations_span_and_metrics_before_answering_and_writes_json_logs()
    {
        // The collector on the host's loopback (the container shares the host network): what an OTLP exporter sends,
        // decoded from protobuf by the receiver's own generated code.
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var container = await FunctionContainer.StartAsync(image.Image,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.BaseAddress.ToString().TrimEnd('/')),
            ("OTEL_METRIC_EXPORT_INTERVAL", "0"),
            // Asserts that the answer carries its telemetry, not the default 1 s bound (a loaded CI machine can exceed it).
            ("FunctionCompute__OpenTelemetry__FlushTimeoutMs", "30000"),
            ("FC_LOG_FORMAT", "json"));
        const string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string callerSpan = "00f067aa0ba902b7";

        var greet = Invoke("greet", "{\"name\":\"traced\"}", "c-otel");
        greet.Headers.Add(FcHeaders.TraceParent, $"00-{trace}-{callerSpan}-01");
        using (var response = await container.Client.SendAsync(greet))
        {
            Assert.Contains("Hello, traced!", await response.Content.ReadAsStringAsync());
        }

        // No waiting: the span and the metrics went out before the answer did.
        var span = Assert.Single(receiver.Spans, s => s.TraceId == trace);
        Assert.Equal(callerSpan, span.ParentSpanId);
        Assert.Equal("c-otel", span["faas.invocation_id"]);
        Assert.Equal("alibaba_cloud", span.Resource.GetValueOrDefault("cloud.provider"));
        Assert.Equal(1L, Assert.Single(receiver.Latest("faas.invocations")!.Metric.Sum.DataPoints).AsInt);
        Assert.DoesNotContain(receiver.Strings, value => value.Contains(Secret, StringComparison.Ordinal) || value.Contains(Token, StringComparison.Ordinal));

        // JSON logs: the handler's line is one JSON object carrying the request id and the trace; the markers stay FC's.
        var logs = await container.LogsAsync();
        Assert.Contains("FC Invoke Start RequestId: c-otel", logs);
        Assert.Contains("FC Invoke End RequestId: c-otel", logs);
        var handlerLines = logs.Split('\n').Where(line => line.StartsWith('{')).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("requestId", out var id) && id.GetString() == "c-otel").ToList();
        var greeting = Assert.Single(handlerLines, line => line.GetProperty("message").GetString() == "greeting traced");
        Assert.Equal(trace, greeting.GetProperty("traceId").GetString());
        Assert.Equal(span.SpanId, greeting.GetProperty("spanId").GetString());
        Assert.DoesNotContain(Secret, logs);
    }

    private static async Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return text;
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
