using System.Collections.Concurrent;
using System.Diagnostics;

namespace FunctionCompute.Testing;

/// <summary>
/// Records every Activity of the named sources that stops in this process, all data requested, so the kit can hand
/// each invocation the spans of its own trace. ActivityListeners are process-wide: tests that capture run best alone.
/// </summary>
internal sealed class FcActivityCapture : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public FcActivityCapture(IReadOnlyCollection<string> sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The stopped Activities of <paramref name="trace"/>, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Of(ActivityTraceId trace) => [.. _stopped.Where(a => a.TraceId == trace)];

    public void Dispose() => _listener.Dispose();
}
