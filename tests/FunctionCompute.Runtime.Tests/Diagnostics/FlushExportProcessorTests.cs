using System.Diagnostics;
using FunctionCompute.Runtime.OpenTelemetry;
using OpenTelemetry;

namespace FunctionCompute.Runtime.Tests.Diagnostics;

/// <summary>
/// The processor the runtime exports spans with: held until a flush, sent on the flushing thread, so a flush that
/// returns true means the exporter has them; bounded in queue size and in the time a flush starts requests.
/// </summary>
public sealed class FlushExportProcessorTests
{
    [Fact]
    public void A_flush_sends_every_ended_recorded_span_on_its_own_thread_in_batches()
    {
        var exporter = new RecordingExporter();
        using var processor = new FlushExportProcessor(exporter, maxQueueSize: 100, maxBatchSize: 4);
        foreach (var span in Spans(10)) processor.OnEnd(span);
        processor.OnEnd(Span(recorded: false));

        Assert.Empty(exporter.Batches);
        Assert.True(processor.ForceFlush(1000));

        Assert.Equal([4, 4, 2], exporter.Batches.Select(batch => batch.Count));
        Assert.All(exporter.Threads, thread => Assert.Equal(Environment.CurrentManagedThreadId, thread));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"span-{i}"), exporter.Batches.SelectMany(batch => batch));
        Assert.True(processor.ForceFlush(1000));
        Assert.Equal(3, exporter.Batches.Count);
    }

    [Fact]
    public void Spans_beyond_the_queue_bound_are_dropped_not_held()
    {
        var exporter = new RecordingExporter();
        using var processor = new FlushExportProcessor(exporter, maxQueueSize: 3, maxBatchSize: 3);
        foreach (var span in Spans(5)) processor.OnEnd(span);

        processor.ForceFlush(1000);

        Assert.Equal(["span-0", "span-1", "span-2"], exporter.Batches.Single());
        Assert.Equal(2, processor.Dropped);
    }

    [Fact]
    public void Requests_not_started_within_the_bound_go_back_to_the_front_of_the_queue_for_the_next_flush()
    {
        var exporter = new RecordingExporter { Delay = TimeSpan.FromMilliseconds(150) };
        using var processor = new FlushExportProcessor(exporter, maxQueueSize: 100, maxBatchSize: 2);
        foreach (var span in Spans(6)) processor.OnEnd(span);

        // The first request starts and is waited for; the others would start after the bound: they stay queued.
        Assert.False(processor.ForceFlush(50));
        Assert.Equal(["span-0", "span-1"], exporter.Batches.Single());

        processor.OnEnd(Span(name: "later"));
        exporter.Delay = TimeSpan.Zero;
        Assert.True(processor.ForceFlush(1000));
        Assert.Equal(["span-0", "span-1", "span-2", "span-3", "span-4", "span-5", "later"], exporter.Batches.SelectMany(batch => batch));
    }

    private static IEnumerable<Activity> Spans(int count) => Enumerable.Range(0, count).Select(i => Span(name: $"span-{i}"));

    private static Activity Span(bool recorded = true, string name = "span")
    {
        var activity = new Activity(name);
        activity.ActivityTraceFlags = recorded ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        activity.IsAllDataRequested = true;
        activity.Start();
        activity.Stop();
        return activity;
    }

    private sealed class RecordingExporter : BaseExporter<Activity>
    {
        public List<List<string>> Batches { get; } = [];
        public List<int> Threads { get; } = [];
        public TimeSpan Delay { get; set; }

        public override ExportResult Export(in Batch<Activity> batch)
        {
            Thread.Sleep(Delay);
            var names = new List<string>();
            foreach (var activity in batch) names.Add(activity.DisplayName);
            Batches.Add(names);
            Threads.Add(Environment.CurrentManagedThreadId);
            return ExportResult.Success;
        }
    }
}
