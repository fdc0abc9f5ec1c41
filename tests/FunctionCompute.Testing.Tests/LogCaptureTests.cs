namespace FunctionCompute.Testing.Tests;

public class LogCaptureTests
{
    [Theory]
    [InlineData("2026-11-23T10:00:00.123Z req-1 [INFO] hello world", "req-1", "INFO", "hello world")]
    [InlineData("2026-11-23T10:00:00.123Z [WARNING] no request", null, "WARNING", "no request")]
    [InlineData("FC Invoke Start RequestId: abc-1", "abc-1", null, "FC Invoke Start RequestId: abc-1")]
    [InlineData("just text", null, null, "just text")]
    public void Lines_are_parsed(string raw, string? id, string? level, string message)
    {
        var line = FcLogLine.Parse(raw);
        Assert.Equal(id, line.RequestId);
        Assert.Equal(level, line.Level);
        Assert.Equal(message, line.Message);
    }

    [Fact]
    public void A_multi_line_entry_stays_one_entry_and_batched_writes_are_split_per_line()
    {
        using var capture = new FcLogCapture();
        var writer = new FunctionCompute.Runtime.Logging.FcLogWriter(capture);
        writer.WriteLog(Microsoft.Extensions.Logging.LogLevel.Error, "r-1", "failed\n   at Somewhere()");
        writer.WriteLine("FC Invoke End RequestId: r-1");
        writer.WriteLog(Microsoft.Extensions.Logging.LogLevel.Information, "r-2", "other");
        writer.Flush();
        Assert.Equal(3, capture.Lines.Count);
        // The writer keeps a record on one physical line: the line break inside it is written escaped.
        Assert.Equal(@"failed\n   at Somewhere()", capture.Lines[0].Message);
        Assert.Equal(2, capture.For("r-1").Count);
        Assert.Equal("other", Assert.Single(capture.For("r-2")).Message);

        // One write holding several lines (the runtime's batches) gives several entries.
        capture.Clear();
        capture.Write("FC Invoke Start RequestId: b-1\n2026-11-23T10:00:00.000Z b-1 [INFO] one\n2026-11-23T10:00:00.001Z b-1 [INFO] two\n"u8);
        Assert.Equal(["FC Invoke Start RequestId: b-1", "one", "two"], capture.For("b-1").Select(l => l.Message));
        capture.Clear();
        Assert.Empty(capture.Lines);
    }
}
