using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace FunctionCompute.Runtime.OpenTelemetry;

/// <summary>
/// What the standard <c>OTEL_*</c> variables (read through the app's configuration, where the environment is) ask for:
/// which signals are exported, and the runtime's own bounds. No endpoint set means no export at all.
/// </summary>
internal sealed record OtlpSettings(bool Traces, bool Metrics, TimeSpan FlushTimeout, TimeSpan MetricInterval)
{
    /// <summary>The configuration key (environment: <c>FunctionCompute__OpenTelemetry__FlushTimeoutMs</c>) of the flush bound.</summary>
    public const string FlushTimeoutKey = "FunctionCompute:OpenTelemetry:FlushTimeoutMs";

    /// <summary>How long an answer waits at most for its telemetry to be sent, unless configured.</summary>
    public static readonly TimeSpan DefaultFlushTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The metric interval of the OpenTelemetry specification's default.</summary>
    public static readonly TimeSpan DefaultMetricInterval = TimeSpan.FromSeconds(60);

    public bool Any => Traces || Metrics;

    /// <exception cref="InvalidOperationException">A bound or interval is not a number of milliseconds.</exception>
    public static OtlpSettings Read(IConfiguration configuration)
    {
        string? Value(string key) => Setting(configuration, key);
        bool Off(string key) => string.Equals(Value(key), "none", StringComparison.OrdinalIgnoreCase);
        if (string.Equals(Value("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
            return new OtlpSettings(false, false, DefaultFlushTimeout, DefaultMetricInterval);
        var common = Value("OTEL_EXPORTER_OTLP_ENDPOINT") is not null;
        return new OtlpSettings(
            Traces: (common || Value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is not null) && !Off("OTEL_TRACES_EXPORTER"),
            Metrics: (common || Value("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") is not null) && !Off("OTEL_METRICS_EXPORTER"),
            FlushTimeout: Milliseconds(Value(FlushTimeoutKey), FlushTimeoutKey) ?? DefaultFlushTimeout,
            MetricInterval: Milliseconds(Value("OTEL_METRIC_EXPORT_INTERVAL"), "OTEL_METRIC_EXPORT_INTERVAL") ?? DefaultMetricInterval);
    }

    /// <summary>
    /// The exporter's settings for one signal (<c>TRACES</c> or <c>METRICS</c>) as the OTLP exporter specification reads
    /// them: the signal's own variable wins over the common one; a signal endpoint is used as it is, the common one gets
    /// <c>/v1/traces</c> or <c>/v1/metrics</c> appended for <c>http/protobuf</c> (the default protocol) and is used as it
    /// is for <c>grpc</c>. Read from the app's configuration (where the environment is), so appsettings work too.
    /// </summary>
    /// <exception cref="InvalidOperationException">An endpoint, protocol or timeout that cannot be used.</exception>
    public static OtlpExporterOptions Exporter(IConfiguration configuration, string signal)
    {
        var protocol = Protocol(SignalOrCommon(configuration, signal, "PROTOCOL"));
        var options = new OtlpExporterOptions { Protocol = protocol, Endpoint = Endpoint(configuration, signal, protocol) };
        if (SignalOrCommon(configuration, signal, "HEADERS").Value is { } headers) options.Headers = headers;
        var (timeoutName, timeoutText) = SignalOrCommon(configuration, signal, "TIMEOUT");
        if (Count(timeoutText, timeoutName) is { } timeout) options.TimeoutMilliseconds = timeout;
        return options;
    }

    /// <summary>The signal's own variable (<c>OTEL_EXPORTER_OTLP_TRACES_…</c>), else the common one; with the name it came from.</summary>
    private static (string Name, string? Value) SignalOrCommon(IConfiguration configuration, string signal, string suffix)
    {
        var name = $"OTEL_EXPORTER_OTLP_{signal}_{suffix}";
        if (Setting(configuration, name) is { } own) return (name, own);
        name = $"OTEL_EXPORTER_OTLP_{suffix}";
        return (name, Setting(configuration, name));
    }

    /// <summary>How many ended spans wait for the next flush at most, and how many go in one request (the batch processor's variables).</summary>
    public static (int MaxQueueSize, int MaxBatchSize) SpanQueue(IConfiguration configuration)
    {
        var queue = Count(Setting(configuration, "OTEL_BSP_MAX_QUEUE_SIZE"), "OTEL_BSP_MAX_QUEUE_SIZE") ?? 2048;
        var batch = Count(Setting(configuration, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"), "OTEL_BSP_MAX_EXPORT_BATCH_SIZE") ?? 512;
        return (queue, Math.Min(batch, queue));
    }

    private static Uri Endpoint(IConfiguration configuration, string signal, OtlpExportProtocol protocol)
    {
        var (name, text) = SignalOrCommon(configuration, signal, "ENDPOINT");
        if (text is null) throw new InvalidOperationException($"No OTLP endpoint is set for {signal.ToLowerInvariant()}.");
        // A signal's endpoint is its whole URL; the common one is a base, to which http/protobuf adds the signal's path.
        if (name == "OTEL_EXPORTER_OTLP_ENDPOINT" && protocol == OtlpExportProtocol.HttpProtobuf) text = $"{text.TrimEnd('/')}/v1/{signal.ToLowerInvariant()}";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return uri;
        // Not echoed: an endpoint may carry a token in its query or user part.
        throw new InvalidOperationException($"{name} must be an absolute http:// or https:// URL (it is {text.Length} characters that are not).");
    }

    private static OtlpExportProtocol Protocol((string Name, string? Value) setting) => setting.Value?.ToLowerInvariant() switch
    {
        null or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        "grpc" => OtlpExportProtocol.Grpc,
        _ => throw new InvalidOperationException(
            $"{setting.Name} must be http/protobuf or grpc, but is '{setting.Value}' (OpenTelemetry .NET has no http/json exporter)."),
    };

    /// <summary>
    /// <c>OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE</c>: <c>cumulative</c> (the default), <c>delta</c> or
    /// <c>lowmemory</c> (delta for synchronous counters and histograms, cumulative for the rest).
    /// </summary>
    /// <exception cref="InvalidOperationException">Any other value.</exception>
    public static MetricReaderTemporalityPreference Temporality(IConfiguration configuration)
    {
        const string Name = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
        var text = Setting(configuration, Name);
        return text?.ToLowerInvariant() switch
        {
            null or "cumulative" => MetricReaderTemporalityPreference.Cumulative,
            "delta" => MetricReaderTemporalityPreference.Delta,
            "lowmemory" => MetricReaderTemporalityPreference.LowMemory,
            _ => throw new InvalidOperationException($"{Name} must be cumulative, delta or lowmemory, but is '{text}'."),
        };
    }

    private static string? Setting(IConfiguration configuration, string key) =>
        configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static int? Count(string? text, string name)
    {
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0) return count;
        throw new InvalidOperationException($"{name} must be a whole number above 0, but is '{text}'.");
    }

    private static TimeSpan? Milliseconds(string? text, string name)
    {
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return TimeSpan.FromMilliseconds(ms);
        throw new InvalidOperationException($"{name} must be a whole number of milliseconds (0 or more), but is '{text}'.");
    }
}
