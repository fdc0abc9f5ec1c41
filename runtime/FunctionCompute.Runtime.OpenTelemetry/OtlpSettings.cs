using System.Globalization;
using Microsoft.Extensions.Configuration;

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
        string? Value(string key) => configuration[key] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
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

    /// <summary>Whether a protocol is configured for the signal (else the runtime picks <c>http/protobuf</c>, the specification's default).</summary>
    public static bool ProtocolConfigured(IConfiguration configuration, string signal) =>
        configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] is { Length: > 0 } || configuration[$"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL"] is { Length: > 0 };

    private static TimeSpan? Milliseconds(string? text, string name)
    {
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return TimeSpan.FromMilliseconds(ms);
        throw new InvalidOperationException($"{name} must be a whole number of milliseconds (0 or more), but is '{text}'.");
    }
}
