using System.Diagnostics;
using System.Diagnostics.Metrics;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Runtime.Diagnostics;

/// <summary>
/// The runtime's metrics, from the <see cref="MeterName"/> meter, named after OpenTelemetry's FaaS metric conventions
/// where they have one (<c>faas.invocations</c>, <c>faas.errors</c>, <c>faas.timeouts</c>, <c>faas.coldstarts</c>,
/// <c>faas.invoke_duration</c>) and <c>fc.*</c> where they have none (active invocations, event and result sizes).
/// Invocations (events and web calls) are measured; lifecycle hooks are not.
/// </summary>
/// <remarks>
/// With nobody listening to the meter, a call reads the instruments' <c>Enabled</c> flags and does nothing else: no
/// clock read, no tag list, no allocation.
/// </remarks>
internal sealed class InvocationMetrics
{
    /// <summary>The name of the runtime's <see cref="Meter"/> (what an OpenTelemetry meter provider adds as a meter).</summary>
    public const string MeterName = "FunctionCompute.Runtime";

    // The HTTP server duration buckets of the conventions (seconds), which suit a function's invocations as well.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 300];
    // Powers of 4 from 64 B to 64 MiB: FC's events reach 32 MB.
    private static readonly long[] SizeBuckets = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly Counter<long> _invocations;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _coldStarts;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _active;
    private readonly Histogram<long> _eventSize;
    private readonly Histogram<long> _resultSize;

    public InvocationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName, typeof(InvocationMetrics).Assembly.GetName().Version?.ToString());
        _invocations = meter.CreateCounter<long>("faas.invocations", "{invocation}", "Invocations (event and web calls), counted when answered.");
        _errors = meter.CreateCounter<long>("faas.errors", "{error}", "Invocations that failed (error.type: the exception's type, or a web call's 5xx status).");
        _timeouts = meter.CreateCounter<long>("faas.timeouts", "{timeout}", "Invocations that ran past their timeout.");
        _coldStarts = meter.CreateCounter<long>("faas.coldstarts", "{coldstart}", "The instance's first invocation.");
        _duration = meter.CreateHistogram("faas.invoke_duration", "s", "Time from the call's arrival to its answer.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _active = meter.CreateUpDownCounter<long>("fc.invocations.active", "{invocation}", "Invocations running now on this instance.");
        _eventSize = meter.CreateHistogram("fc.event.size", "By", "Size of an invocation's event (a web call's declared body).",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });
        _resultSize = meter.CreateHistogram("fc.result.size", "By", "Size of an invocation's result, where it is known before it is written.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });
    }

    /// <summary>
    /// An invocation of <paramref name="kind"/> starts: returns the timestamp its duration is measured from, 0 when
    /// nothing is measured (a hook, or nobody listening).
    /// </summary>
    public long Started(CallKind kind, bool coldStart)
    {
        if (!IsInvocation(kind)) return 0;
        var trigger = Trigger(kind);
        if (coldStart && _coldStarts.Enabled) _coldStarts.Add(1, new KeyValuePair<string, object?>("faas.trigger", trigger));
        if (_active.Enabled) _active.Add(1, new KeyValuePair<string, object?>("faas.trigger", trigger));
        // Any instrument on means the answer's side records: the timestamp is its cue (1 stands for "no clock needed").
        if (_duration.Enabled) return Stopwatch.GetTimestamp();
        return _invocations.Enabled || _errors.Enabled || _timeouts.Enabled || _active.Enabled || _eventSize.Enabled || _resultSize.Enabled ? 1 : 0;
    }

    /// <summary>
    /// An invocation started at <paramref name="started"/> (from <see cref="Started"/>) is answered. <paramref name="errorType"/>
    /// names its failure, if it failed.
    /// </summary>
    public void Answered(CallKind kind, long started, string? errorType, bool timedOut, long? eventBytes, long? resultBytes)
    {
        if (started == 0) return;
        var trigger = new KeyValuePair<string, object?>("faas.trigger", Trigger(kind));
        if (_duration.Enabled && started > 1) _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, trigger);
        _active.Add(-1, trigger);
        _invocations.Add(1, trigger);
        if (errorType is not null) _errors.Add(1, trigger, new KeyValuePair<string, object?>("error.type", errorType));
        if (timedOut) _timeouts.Add(1, trigger);
        if (eventBytes is { } size) _eventSize.Record(size, trigger);
        if (resultBytes is { } result) _resultSize.Record(result, trigger);
    }

    private static bool IsInvocation(CallKind kind) => kind is CallKind.Invoke or CallKind.Http;

    private static string Trigger(CallKind kind) => kind == CallKind.Http ? "http" : "other";
}
