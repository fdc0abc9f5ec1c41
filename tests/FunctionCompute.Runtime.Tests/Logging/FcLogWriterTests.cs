using FunctionCompute.Runtime.Logging;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Tests.Logging;

/// <summary>
/// When the writer's lines reach stdout. FC may freeze the instance as soon as no call is in flight, so the last
/// call's lines must be out before its answer; a Start marker may wait a little for company, but not for long.
/// </summary>
public class FcLogWriterTests
{
    [Fact]
    public void The_end_line_of_the_last_open_call_is_on_the_output_when_WriteEndLine_returns()
    {
        var output = new CapturedLog();
        using var writer = new FcLogWriter(output);

        writer.WriteStartLine("FC Invoke Start RequestId: a");
        writer.WriteLog(LogLevel.Information, "a", "inside");
        writer.WriteEndLine("FC Invoke End RequestId: a");

        // No Flush, no waiting: the answer goes out right after WriteEndLine.
        var lines = output.Lines;
        Assert.Equal(3, lines.Count);
        Assert.Equal("FC Invoke Start RequestId: a", lines[0]);
        Assert.EndsWith("a [INFO] inside", lines[1]);
        Assert.Equal("FC Invoke End RequestId: a", lines[2]);
    }

    [Fact]
    public async Task A_call_ending_right_after_another_still_gets_its_end_line_out_and_after_a_quiet_moment_it_is_out_at_once_again()
    {
        var output = new CapturedLog();
        using var writer = new FcLogWriter(output);
        writer.WriteStartLine("FC Invoke Start RequestId: a");
        writer.WriteEndLine("FC Invoke End RequestId: a"); // written at once: the instance was quiet

        // Right after a call ended the instance counts as busy: the next End line is batched, and still comes out.
        writer.WriteStartLine("FC Invoke Start RequestId: b");
        writer.WriteEndLine("FC Invoke End RequestId: b");
        await Eventually(() => output.Lines.Count == 4, output);

        await Task.Delay(FcLogWriter.BusyInterval * 5);
        writer.WriteStartLine("FC Invoke Start RequestId: c");
        writer.WriteEndLine("FC Invoke End RequestId: c");
        Assert.Equal("FC Invoke End RequestId: c", output.Lines[^1]);
    }

    [Fact]
    public async Task While_other_calls_are_open_an_end_line_still_reaches_the_output_without_a_flush()
    {
        var output = new CapturedLog();
        using var writer = new FcLogWriter(output);

        writer.WriteStartLine("FC Invoke Start RequestId: a");
        writer.WriteStartLine("FC Invoke Start RequestId: b");
        writer.WriteEndLine("FC Invoke End RequestId: a");

        await Eventually(() => output.Lines.Contains("FC Invoke End RequestId: a"), output);
        Assert.Equal(["FC Invoke Start RequestId: a", "FC Invoke Start RequestId: b", "FC Invoke End RequestId: a"], output.Lines);

        writer.WriteEndLine("FC Invoke End RequestId: b");
        await Eventually(() => output.Lines.Count == 4, output);
        Assert.Equal("FC Invoke End RequestId: b", output.Lines[^1]);
    }

    [Fact]
    public async Task A_start_line_alone_reaches_the_output_without_a_flush()
    {
        // A long invocation that logs nothing: its Start line must still show up while it runs.
        var output = new CapturedLog();
        using var writer = new FcLogWriter(output);

        writer.WriteStartLine("FC Invoke Start RequestId: long");

        await Eventually(() => output.Lines.Contains("FC Invoke Start RequestId: long"), output);
    }

    [Fact]
    public async Task Concurrent_calls_keep_each_frame_in_order_and_every_line_reaches_the_output_without_a_flush()
    {
        var output = new CapturedLog();
        using var writer = new FcLogWriter(output);
        const int calls = 400;

        await Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            writer.WriteStartLine($"FC Invoke Start RequestId: r{i}");
            await Task.Yield();
            writer.WriteLog(LogLevel.Information, $"r{i}", $"working on {i}");
            await Task.Yield();
            writer.WriteEndLine($"FC Invoke End RequestId: r{i}");
        });

        await Eventually(() => output.Lines.Count == calls * 3, output);
        var lines = output.Lines.ToList();
        Assert.Equal(calls * 3, lines.Count);
        for (var i = 0; i < calls; i++)
        {
            var start = lines.IndexOf($"FC Invoke Start RequestId: r{i}");
            var inside = lines.FindIndex(line => line.EndsWith($" r{i} [INFO] working on {i}", StringComparison.Ordinal));
            var end = lines.IndexOf($"FC Invoke End RequestId: r{i}");
            Assert.True(start >= 0 && start < inside && inside < end, $"call r{i}: start {start}, inside {inside}, end {end}");
        }
    }

    private static async Task Eventually(Func<bool> condition, CapturedLog output)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), output.Text);
    }
}
