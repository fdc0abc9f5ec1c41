using System.Collections.Concurrent;
using System.Diagnostics;

namespace FunctionCompute.Tests.Shared;

/// <summary>
/// An in-process ActivityListener on the named sources that keeps every Activity it sees stop, all data recorded.
/// Listeners are process-wide: tests that use one run in the <see cref="TracingCollection"/>, alone.
/// </summary>
public sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public ActivityRecorder(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The stopped Activities of one trace, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Of(ActivityTraceId trace) => _stopped.Where(a => a.TraceId == trace).ToList();

    public void Dispose() => _listener.Dispose();
}

/// <summary>Tests that depend on who listens to which ActivitySource: never run beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing";
}
