using System.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FunctionCompute.Runtime.OpenTelemetry;

/// <summary>
/// Sends the instance's spans before every answer, and its metrics before the first answer after each metric interval
/// and in pre-stop, each wait bounded by <see cref="OtlpSettings.FlushTimeout"/>: FC freezes an answered instance, and a
/// batch still in the exporter's queue then would sit there, unsent.
/// </summary>
/// <remarks>
/// The exporter's own worker thread sends (one request per flush, with every span that ended since the last). A flush
/// runs on the thread pool and the answer awaits it up to the bound; one that outlives its bound (a collector that
/// accepts and never answers) is left to finish on its own, and until it has, answers do not wait again: a dead or slow
/// collector costs one bound, not one per invocation. A collector that refuses connections fails the export at once.
/// </remarks>
internal sealed class OtlpFlush(TracerProvider? traces, MeterProvider? metrics, OtlpSettings settings, TimeProvider clock) : IFcTelemetryFlush, IDisposable
{
    private readonly int _exportMs = (int)Math.Min(int.MaxValue, settings.FlushTimeout.TotalMilliseconds);
    private readonly Lock _gate = new();
    private long _metricsDue = clock.GetTimestamp();
    private Task? _late;
    private Task _running = Task.CompletedTask;
    private Task? _queued;
    private bool _queuedMetrics;

    public ValueTask FlushAsync(bool instanceStopping)
    {
        if (_late is { IsCompleted: false }) return default;
        var withMetrics = metrics is not null && (instanceStopping || MetricsDue());
        if (traces is null && !withMetrics) return default;
        return new ValueTask(WaitAsync(Schedule(withMetrics)));
    }

    /// <summary>
    /// One flush at a time, each blocking one thread-pool thread (the SDK's flush is synchronous): a call that finds one
    /// running joins the flush queued after it, which starts once it is done and so covers every span that ended before
    /// it. Concurrent answers share exports instead of holding one pool thread each (at 200 concurrent invocations, one
    /// thread per flush starved the pool: answers waited seconds for threads).
    /// </summary>
    private Task Schedule(bool withMetrics)
    {
        lock (_gate)
        {
            if (_queued is not null)
            {
                _queuedMetrics |= withMetrics;
                return _queued;
            }
            if (_running.IsCompleted) return _running = Task.Run(() => Flush(withMetrics));
            _queuedMetrics = withMetrics;
            return _queued = _running.ContinueWith(static (_, state) => ((OtlpFlush)state!).RunQueued(), this,
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void RunQueued()
    {
        bool withMetrics;
        lock (_gate)
        {
            _running = _queued!;
            _queued = null;
            withMetrics = _queuedMetrics;
        }
        Flush(withMetrics);
    }

    private bool MetricsDue()
    {
        var due = Volatile.Read(ref _metricsDue);
        var now = clock.GetTimestamp();
        if (now < due) return false;
        // One caller per interval takes it; concurrent answers do not flush metrics twice.
        return Interlocked.CompareExchange(ref _metricsDue, now + (long)(settings.MetricInterval.TotalSeconds * clock.TimestampFrequency), due) == due;
    }

    private void Flush(bool withMetrics)
    {
        // Spans first, then metrics with what is left of the one bound.
        var started = Stopwatch.GetTimestamp();
        if (traces is not null) Within(traces.ForceFlush, _exportMs, started);
        if (withMetrics) Within(metrics!.ForceFlush, _exportMs, started);
    }

    /// <summary>
    /// Calls <paramref name="flush"/> in short slices until it reports done or the bound since <paramref name="started"/>
    /// has passed. The SDK's batch processor (and metric reader) signals a finished export by setting and at once
    /// resetting an event: a flush whose export finished before it began to wait misses the signal and sleeps out its
    /// timeout (up to 1 s), which on loopback hit about 1 flush in 2,000. A slice each time bounds that miss to
    /// <see cref="SliceMs"/>; each call re-checks what has been exported.
    /// </summary>
    private static void Within(Func<int, bool> flush, int boundMs, long started)
    {
        while (true)
        {
            var left = boundMs - (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (left <= 0 || flush(Math.Min(left, SliceMs))) return;
        }
    }

    private const int SliceMs = 5;

    private async Task WaitAsync(Task flush)
    {
        try
        {
            await flush.WaitAsync(settings.FlushTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _late = flush;
        }
        catch (Exception)
        {
            // The SDK reports export failures itself (its self-diagnostics); an answer never fails for its telemetry.
        }
    }

    /// <summary>At shutdown (SIGTERM): what is left goes out, within the bound.</summary>
    public void Dispose()
    {
        traces?.Shutdown(_exportMs);
        metrics?.Shutdown(_exportMs);
        traces?.Dispose();
        metrics?.Dispose();
    }
}
