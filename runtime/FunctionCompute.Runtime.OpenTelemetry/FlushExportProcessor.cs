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
/// (<c>OTEL_BSP_MAX_QUEUE_SIZE</c>, 2048 unless set: spans beyond it are dropped and counted) and each request carries at
/// most <c>OTEL_BSP_MAX_EXPORT_BATCH_SIZE</c> spans (512).
/// </remarks>
internal sealed class FlushExportProcessor(BaseExporter<Activity> exporter, int maxQueueSize, int maxBatchSize)
    : BaseExportProcessor<Activity>(exporter)
{
    private readonly Lock _queueGate = new();
    private readonly Lock _exportGate = new();
    private Activity[] _queue = new Activity[Math.Min(maxQueueSize, 64)];
    private int _count;
    private long _dropped;

    /// <summary>Spans that ended while the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

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

    /// <summary>Sends every span that ended before the call, in requests of at most the batch size.</summary>
    /// <returns>True when all of them were exported (the collector answered with success).</returns>
    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        // One export at a time, so spans go out in the order they ended; a flush behind one that is still sending
        // waits for it within its bound (the runtime never has two flushes running: see OtlpFlush).
        if (!_exportGate.TryEnter(timeoutMilliseconds)) return false;
        try
        {
            var spans = TakeAll();
            var exported = true;
            for (var start = 0; start < spans.Count; start += maxBatchSize)
            {
                var count = Math.Min(maxBatchSize, spans.Count - start);
                var batch = spans.Count <= maxBatchSize ? spans.Array! : spans.Slice(start, count).ToArray();
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
        var sw = Stopwatch.StartNew();
        var flushed = OnForceFlush(timeoutMilliseconds);
        var left = (int)Math.Max(0, timeoutMilliseconds - sw.ElapsedMilliseconds);
        return exporter.Shutdown(left) && flushed;
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
