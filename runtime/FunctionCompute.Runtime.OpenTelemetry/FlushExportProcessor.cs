using System.Diagnostics;
using OpenTelemetry;

namespace FunctionCompute.Runtime.OpenTelemetry;

/// <summary>
/// Holds ended spans until a flush, and exports them <b>on the flushing thread</b>: when
/// <see cref="BaseProcessor{T}.ForceFlush"/> returns true, the exporter has sent them and the collector has answered.
/// </summary>
/// <remarks>
/// The SDK's batch processor cannot say that: its flush reports done once its worker has taken the spans out of the
/// queue, which is before the OTLP exporter has sent them (it serialises the batch first), so an answer could leave
/// while its spans were still on the way (seen under 64 concurrent invocations: answers arrived before their spans).
/// There is no worker thread either, nor a timer that would fire on a frozen instance. The queue is bounded
/// (<c>OTEL_BSP_MAX_QUEUE_SIZE</c>, 2048 unless set: spans beyond it are dropped, as the SDK's processor drops them) and
/// each request carries at most <c>OTEL_BSP_MAX_EXPORT_BATCH_SIZE</c> spans (512).
/// </remarks>
internal sealed class FlushExportProcessor(BaseExporter<Activity> exporter, int maxQueueSize, int maxBatchSize)
    : BaseExportProcessor<Activity>(exporter)
{
    private readonly Lock _queueGate = new();
    private readonly Lock _exportGate = new();
    private Activity[] _queue = new Activity[Math.Min(maxQueueSize, 64)];
    private int _count;
    private long _dropped;

    /// <summary>Spans dropped because the queue was full (for tests and debugging; not reported elsewhere).</summary>
    public long Dropped
    {
        get
        {
            lock (_queueGate) return _dropped;
        }
    }

    public override void OnEnd(Activity data)
    {
        // As the SDK's own processors: a span the sampler did not record is not exported.
        if (!data.Recorded) return;
        OnExport(data);
    }

    protected override void OnExport(Activity data)
    {
        lock (_queueGate)
        {
            if (_count == maxQueueSize)
            {
                _dropped++;
                return;
            }
            if (_count == _queue.Length) Array.Resize(ref _queue, Math.Min(maxQueueSize, _queue.Length * 2));
            _queue[_count++] = data;
        }
    }

    /// <summary>
    /// Sends every span that ended before the call, in requests of at most the batch size, while the time allows: a
    /// request started is waited for (the exporter's own timeout bounds it), and the spans of requests not started in
    /// time go back to the front of the queue for the next flush.
    /// </summary>
    /// <returns>True when all of them were exported (the collector answered with success).</returns>
    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        var started = Stopwatch.GetTimestamp();
        bool TimeLeft() => timeoutMilliseconds == Timeout.Infinite || Stopwatch.GetElapsedTime(started).TotalMilliseconds < timeoutMilliseconds;
        // One export at a time, so spans go out in the order they ended; a flush behind one that is still sending
        // waits for it within its bound (the runtime never has two flushes running: see OtlpFlush).
        if (!_exportGate.TryEnter(timeoutMilliseconds)) return false;
        try
        {
            var spans = TakeAll();
            var exported = true;
            for (var start = 0; start < spans.Count; start += maxBatchSize)
            {
                if (start > 0 && !TimeLeft())
                {
                    PutBack(spans.Slice(start));
                    return false;
                }
                var count = Math.Min(maxBatchSize, spans.Count - start);
                var batch = start == 0 ? spans.Array! : spans.Slice(start, count).ToArray();
                exported &= exporter.Export(new Batch<Activity>(batch, count)) == ExportResult.Success;
            }
            return exported;
        }
        finally
        {
            _exportGate.Exit();
        }
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        if (timeoutMilliseconds == Timeout.Infinite) return OnForceFlush(Timeout.Infinite) & exporter.Shutdown(Timeout.Infinite);
        var sw = Stopwatch.StartNew();
        var flushed = OnForceFlush(timeoutMilliseconds);
        var left = (int)Math.Max(0, timeoutMilliseconds - sw.ElapsedMilliseconds);
        return exporter.Shutdown(left) && flushed;
    }

    /// <summary>Spans a flush took but had no time to send: ahead of those that ended since, within the queue's bound.</summary>
    private void PutBack(ArraySegment<Activity> spans)
    {
        lock (_queueGate)
        {
            var room = maxQueueSize - _count;
            var kept = Math.Min(room, spans.Count);
            _dropped += spans.Count - kept;
            var merged = new Activity[Math.Max(_queue.Length, _count + kept)];
            spans.Slice(0, kept).CopyTo(merged);
            Array.Copy(_queue, 0, merged, kept, _count);
            _queue = merged;
            _count += kept;
        }
    }

    private ArraySegment<Activity> TakeAll()
    {
        lock (_queueGate)
        {
            if (_count == 0) return ArraySegment<Activity>.Empty;
            var taken = new ArraySegment<Activity>(_queue, 0, _count);
            _queue = new Activity[Math.Min(maxQueueSize, Math.Max(64, _count))];
            _count = 0;
            return taken;
        }
    }
}
