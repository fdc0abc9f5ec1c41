using System.Diagnostics.CodeAnalysis;
using FunctionCompute.Runtime.OpenTelemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionCompute.Runtime;

/// <summary>
/// OpenTelemetry export for a function app: the runtime's spans and metrics (and the OSS and credentials clients'
/// spans) sent over OTLP, configured by the standard <c>OTEL_*</c> variables, and sent before each answer goes out.
/// </summary>
public static class FcOpenTelemetry
{
    /// <summary>The ActivitySources exported: the runtime's calls, the OSS client's and the credentials clients' requests.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["FunctionCompute.Runtime", "FunctionCompute.Oss", "FunctionCompute.Credentials"];

    /// <summary>The meter exported: the runtime's invocation metrics.</summary>
    public const string MeterName = "FunctionCompute.Runtime";

    /// <summary>The trimming feature switch the <c>FcOpenTelemetry</c> MSBuild property sets.</summary>
    private const string Switch = "FunctionCompute.Runtime.OpenTelemetry.IsSupported";

    /// <summary>
    /// False when the app was built with <c>&lt;FcOpenTelemetry&gt;false&lt;/FcOpenTelemetry&gt;</c>: Native AOT then
    /// drops everything <see cref="AddFcOpenTelemetry"/> would have used, the OpenTelemetry SDK and exporter included.
    /// </summary>
    [FeatureSwitchDefinition(Switch)]
    internal static bool IsSupported => !AppContext.TryGetSwitch(Switch, out var on) || on;

    /// <summary>
    /// Exports the app's traces and metrics over OTLP when an endpoint is configured: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// (both), <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>; with none set, it
    /// adds nothing and the app runs as without it. The exporter reads the other standard variables
    /// (<c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>_PROTOCOL</c> — <c>http/protobuf</c> unless set, or <c>grpc</c> —,
    /// <c>_TIMEOUT</c>, each also per signal, <c>OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_TRACES_SAMPLER</c> and
    /// <c>_ARG</c>, <c>OTEL_BSP_MAX_QUEUE_SIZE</c> and <c>_MAX_EXPORT_BATCH_SIZE</c>, <c>OTEL_SDK_DISABLED</c>). The resource names the function from FC's environment
    /// (service.name defaults to the function name). Spans are sent before every answer, metrics before the first
    /// answer after each <c>OTEL_METRIC_EXPORT_INTERVAL</c> (60 s; 0 for every answer) and in pre-stop; an answer waits
    /// at most <c>FunctionCompute:OpenTelemetry:FlushTimeoutMs</c> (1000 ms) for them. An app built with
    /// <c>&lt;FcOpenTelemetry&gt;false&lt;/FcOpenTelemetry&gt;</c> exports nothing whatever the variables say.
    /// </summary>
    /// <param name="builder">The builder from <see cref="FunctionApp.CreateBuilder"/>.</param>
    /// <param name="configure">Adds the app's own sources and meters, or other exporters' settings.</param>
    /// <exception cref="InvalidOperationException">A bound or interval variable is not a number of milliseconds.</exception>
    public static WebApplicationBuilder AddFcOpenTelemetry(this WebApplicationBuilder builder, Action<FcOpenTelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!IsSupported) return builder;
        IConfiguration configuration = builder.Configuration;
        var settings = OtlpSettings.Read(configuration);
        if (!settings.Any) return builder;
        var options = new FcOpenTelemetryOptions();
        configure?.Invoke(options);
        // Read now, so that settings that cannot work stop the app at start rather than at its first answer.
        var traceExporter = settings.Traces ? OtlpSettings.Exporter(configuration, "TRACES") : null;
        var metricExporter = settings.Metrics ? OtlpSettings.Exporter(configuration, "METRICS") : null;
        var spanQueue = settings.Traces ? OtlpSettings.SpanQueue(configuration) : default;
        var temporality = settings.Metrics ? OtlpSettings.Temporality(configuration) : default;
        builder.Services.AddSingleton<IFcTelemetryFlush>(services =>
        {
            var environment = services.GetService<FunctionAppOptions>()?.Environment ?? FcEnvironment.Read();
            var traces = traceExporter is null ? null : Tracing(traceExporter, spanQueue, configuration, environment, options);
            var metrics = metricExporter is null ? null : Metrics(metricExporter, temporality, configuration, environment, options);
            return new OtlpFlush(traces, metrics, settings, TimeProvider.System);
        });
        return builder;
    }

    private static TracerProvider Tracing(OtlpExporterOptions exporterOptions, (int MaxQueueSize, int MaxBatchSize) queue,
        IConfiguration configuration, FcEnvironment environment, FcOpenTelemetryOptions options)
    {
        var exporter = new OtlpTraceExporter(exporterOptions);
        var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .SetResourceBuilder(FcResource.For(environment))
            .AddSource([.. Sources, .. options.Sources])
            .AddProcessor(new FlushExportProcessor(exporter, queue.MaxQueueSize, queue.MaxBatchSize));
        return tracing.Build();
    }

    private static MeterProvider Metrics(OtlpExporterOptions exporterOptions, MetricReaderTemporalityPreference temporality,
        IConfiguration configuration, FcEnvironment environment, FcOpenTelemetryOptions options)
    {
        // A reader without a period collects and exports on the thread that flushes (before an answer, in pre-stop):
        // a timer would fire on a frozen instance, or not at all, and a worker thread's flush can report done before
        // the collector has the data.
        var reader = new BaseExportingMetricReader(new OtlpMetricExporter(exporterOptions))
        {
            TemporalityPreference = temporality,
        };
        var metrics = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .SetResourceBuilder(FcResource.For(environment))
            .AddMeter([MeterName, .. options.Meters])
            .AddReader(reader);
        return metrics.Build();
    }
}
