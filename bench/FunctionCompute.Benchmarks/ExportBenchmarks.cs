using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using FunctionCompute.Runtime.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace FunctionCompute.Benchmarks;

/// <summary>
/// What each way of getting an invocation's span out costs the invocation, against an OTLP/HTTP sink on loopback that
/// answers at once: a batch processor left alone (the span waits in memory for the 5 s schedule: on FC a frozen
/// instance keeps it), the same with ForceFlush before the answer (the runtime's choice: one request per invocation,
/// however many spans, but its flush can return before the request is sent), a simple processor (one synchronous
/// request per span, on the thread that ends it), and the runtime's FlushExportProcessor (the spans held until the
/// flush, which sends them on its own thread: one request, and done means sent).
/// An invocation here is one server span with one client child, as an invocation that calls OSS once.
/// </summary>
[MemoryDiagnoser]
public class ExportBenchmarks
{
    private static readonly ActivitySource Source = new("FunctionCompute.Benchmarks.Export");
    private WebApplication _sink = null!;
    private TracerProvider _provider = null!;

    [Params("batch, no flush", "batch + ForceFlush", "simple", "held + export on flush")]
    public string Strategy { get; set; } = "";

    [GlobalSetup]
    public async Task Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _sink = builder.Build();
        _sink.Run(http =>
        {
            http.Response.ContentType = "application/x-protobuf";
            return http.Request.Body.CopyToAsync(Stream.Null);
        });
        await _sink.StartAsync();
        var endpoint = new Uri(_sink.Urls.First() + "/v1/traces");
        var tracing = Sdk.CreateTracerProviderBuilder().AddSource(Source.Name);
        _provider = (Strategy == "held + export on flush"
            ? tracing.AddProcessor(new FlushExportProcessor(new OtlpTraceExporter(new OtlpExporterOptions
            {
                Endpoint = endpoint,
                Protocol = OtlpExportProtocol.HttpProtobuf,
            }), maxQueueSize: 2048, maxBatchSize: 512))
            : tracing.AddOtlpExporter(o =>
            {
                o.Endpoint = endpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = Strategy == "simple" ? ExportProcessorType.Simple : ExportProcessorType.Batch;
            }))
            .Build();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _provider.Dispose();
        await _sink.StopAsync();
    }

    [Benchmark]
    public void Invocation()
    {
        using (var server = Source.StartActivity("invoke", ActivityKind.Server))
        {
            server?.SetTag("faas.invocation_id", "1-6f2c5a9e-3b1d4c7a8e9f0a1b2c3d4e5f");
            using var client = Source.StartActivity("OSS/PutObject", ActivityKind.Client);
            client?.SetTag("rpc.method", "PutObject");
        }
        if (Strategy is "batch + ForceFlush" or "held + export on flush") _provider.ForceFlush(1000);
    }
}
