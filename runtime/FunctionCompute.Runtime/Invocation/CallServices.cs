using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>What every call writes to: the function log, the runtime's and the function's loggers, and the app's tracing and metrics.</summary>
internal sealed class CallServices(Logging.FcLogWriter log, ILoggerFactory loggers, IMeterFactory meters, IFcTelemetryFlush? flush = null)
{
    public Logging.FcLogWriter Log { get; } = log;

    /// <summary>The runtime's own lines (failures, refusals).</summary>
    public ILogger RuntimeLogger { get; } = loggers.CreateLogger("FunctionCompute.Runtime");

    /// <summary>The logger every context carries (<see cref="IFcContext.Logger"/>).</summary>
    public ILogger FunctionLogger { get; } = loggers.CreateLogger("Function");

    /// <summary>This app's call Activities (and its cold start: one per app, a singleton like this).</summary>
    public Diagnostics.InvocationActivity Tracing { get; } = new();

    /// <summary>This app's invocation metrics.</summary>
    public Diagnostics.InvocationMetrics Metrics { get; } = new(meters);

    /// <summary>The telemetry export every call flushes before its answer, if the app has one.</summary>
    public IFcTelemetryFlush? Flush { get; } = flush;
}
