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
/// A flush runs on the thread pool and sends there (one request with every span that ended since the last, and the
/// metrics when due), and the answer awaits it up to the bound; one that outlives its bound (a collector that
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
        // Both export on this thread (FlushExportProcessor, a reader without a period): when they return, the collector
        // has answered. Spans first, then metrics with what is left of the one bound.
        var started = Stopwatch.GetTimestamp();
        traces?.ForceFlush(_exportMs);
        if (withMetrics) metrics!.ForceFlush(Math.Max(0, _exportMs - (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds));
    }

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

    /// <summary>At shutdown (SIGTERM): what is left goes out, waited for within the bound.</summary>
    public void Dispose()
    {
        // The exports are synchronous and bounded by the exporter's own timeout (10 s unless set): shutting down
        // does not wait for a hung collector longer than the flush bound.
        var shutdown = Task.Run(() =>
        {
            traces?.Shutdown(_exportMs);
            metrics?.Shutdown(_exportMs);
            traces?.Dispose();
            metrics?.Dispose();
        });
        try
        {
            shutdown.Wait(settings.FlushTimeout);
        }
        catch (AggregateException)
        {
            // Telemetry never fails the instance's shutdown; the SDK reports export failures itself.
        }
    }
}
