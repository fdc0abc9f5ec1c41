using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionCompute.Benchmarks;

/// <summary>
/// What tracing adds to each invocation: parsing the call's context as the runtime does today (the baseline), then
/// starting and stopping the invocation Activity, without trace context and nobody listening (it must add nothing:
/// no Activity, no allocation), with FC's trace context and nobody listening (a bare Activity, so HttpClient carries
/// the trace on), and with a listener that records everything (OpenTelemetry's cost before any exporter).
/// </summary>
[MemoryDiagnoser]
public class TracingBenchmarks
{
    private readonly InvocationActivity _tracing = new();
    private DefaultHttpContext _plain = null!;
    private DefaultHttpContext _traced = null!;
    private ActivityListener? _listener;

    [GlobalSetup]
    public void Setup()
    {
        _plain = Call(traceparent: null);
        _traced = Call("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    [GlobalSetup(Target = nameof(TracedListened))]
    public void SetupListened()
    {
        Setup();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == InvocationActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [GlobalCleanup]
    public void Cleanup() => _listener?.Dispose();

    private static DefaultHttpContext Call(string? traceparent)
    {
        var http = new DefaultHttpContext();
        var headers = http.Request.Headers;
        headers[FcHeaders.RequestId] = "1-6f2c5a9e-3b1d4c7a8e9f0a1b2c3d4e5f";
        headers[FcHeaders.FunctionName] = "echo";
        headers[FcHeaders.FunctionHandler] = "echo";
        headers[FcHeaders.FunctionMemory] = "512";
        headers[FcHeaders.FunctionTimeout] = "60";
        headers[FcHeaders.Region] = "cn-hangzhou";
        headers[FcHeaders.AccountId] = "1234567890123456";
        headers[FcHeaders.AccessKeyId] = "STS.benchmark";
        headers[FcHeaders.AccessKeySecret] = "benchmark-secret";
        headers[FcHeaders.SecurityToken] = "CAIS-benchmark-token";
        headers["Content-Type"] = "application/octet-stream";
        if (traceparent is not null) headers[FcHeaders.TraceParent] = traceparent;
        return http;
    }

    private static IFcContext Parse(HttpContext http) =>
        FcContextParser.Parse(http.Request.Headers, FcEnvironment.Empty, DateTimeOffset.UnixEpoch, CancellationToken.None, NullLogger.Instance).Context;

    [Benchmark(Baseline = true, Description = "context only (today)")]
    public IFcContext ContextOnly() => Parse(_plain);

    [Benchmark(Description = "+ activity: no trace context, no listener")]
    public IFcContext Untraced()
    {
        var context = Parse(_plain);
        using var activity = _tracing.Start(CallKind.Invoke, context, call: null);
        return context;
    }

    [Benchmark(Description = "+ activity: traceparent, no listener")]
    public IFcContext TracedUnlistened()
    {
        var context = Parse(_traced);
        using var activity = _tracing.Start(CallKind.Invoke, context, call: null);
        return context;
    }

    [Benchmark(Description = "+ activity: traceparent, listener (all data)")]
    public IFcContext TracedListened()
    {
        var context = Parse(_traced);
        using var activity = _tracing.Start(CallKind.Invoke, context, call: null);
        return context;
    }
}
