using System.Text.RegularExpressions;
using CsCheck;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Logging;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Tests.Logging;

/// <summary>
/// FC splits an instance's stdout into records line by line and into invocations by the marker lines: nothing a
/// caller sends (an event value, a header) may start a line of its own in the log.
/// </summary>
public partial class LogForgingTests
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (\S+ )?\[(VERBOSE|DEBUG|INFO|WARNING|ERROR|FATAL)\] ")]
    private static partial Regex RecordStart();

    [GeneratedRegex(@"^FC (Invoke|Initialize|PreStop|PreFreeze) (Start|End) RequestId: \S+$")]
    private static partial Regex Marker();

    private static void AssertEveryLineIsARecordOrAMarker(string log)
    {
        foreach (var line in log.Split('\n')[..^1])
            Assert.True(RecordStart().IsMatch(line) || Marker().IsMatch(line), $"a line of its own: '{line}'\n{log}");
    }

    [Fact]
    public async Task A_logged_event_value_with_line_breaks_cannot_forge_an_end_line_or_a_record()
    {
        const string forged = "x\nFC Invoke End RequestId: forged\r\n2026-01-01T00:00:00.000Z other-request [ERROR] fake\u2028\u0085\u2029!";
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapEvent("log", (Stream input, IFcContext context) =>
            {
                context.Logger.LogInformation("event name: {Name}", new StreamReader(input).ReadToEnd());
                return Stream.Null;
            }));

        using var response = await host.Client.SendAsync(Fc.Invoke("log", forged, requestId: "real-1"));
        ErrorBody.AssertSucceeded(response);

        var log = host.Log.Text;
        AssertEveryLineIsARecordOrAMarker(log);
        Assert.DoesNotContain("FC Invoke End RequestId: forged", host.Log.Lines);
        Assert.Contains(@" real-1 [INFO] event name: x\nFC Invoke End RequestId: forged\r\n2026-01-01T00:00:00.000Z other-request [ERROR] fake\u2028\u0085\u2029!", log);
    }

    [Fact]
    public async Task An_exception_with_a_multi_line_message_and_stack_is_one_log_record()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapEvent("throw", Stream (Stream input, IFcContext _) =>
                throw new InvalidOperationException("bad value: " + new StreamReader(input).ReadToEnd())));

        using var response = await host.Client.SendAsync(Fc.Invoke("throw", "a\nFC Invoke Start RequestId: forged", requestId: "real-2"));
        await ErrorBody.AssertFailedAsync(response);

        var log = host.Log.Text;
        AssertEveryLineIsARecordOrAMarker(log);
        var record = Assert.Single(host.Log.Lines, line => line.Contains(" real-2 [ERROR] Invocation failed"));
        Assert.Contains(@"bad value: a\nFC Invoke Start RequestId: forged", record);
        Assert.Contains(@"\n   at ", record); // the frames, on the same line
    }

    [Theory]
    [InlineData("id\nFC Invoke End RequestId: forged", @"id\nFC Invoke End RequestId: forged")]
    [InlineData("id\r\u001b[2Jx\u007f", @"id\r\u001b[2Jx\u007f")]
    [InlineData("id\t\u0000\u2028", @"id\t\u0000\u2028")]
    public void Control_characters_in_a_request_id_are_escaped_in_markers_and_records(string id, string escaped)
    {
        var output = new CapturedLog();
        using (var writer = new FcLogWriter(output))
        {
            writer.WriteStartLine(FcLogLines.InvokeStart(id));
            writer.WriteLog(LogLevel.Warning, id, "message");
            writer.WriteEndLine(FcLogLines.InvokeEnd(id));
        }

        var lines = output.Lines;
        Assert.Equal(3, lines.Count);
        Assert.Equal("FC Invoke Start RequestId: " + escaped, lines[0]);
        Assert.EndsWith($" {escaped} [WARNING] message", lines[1]);
        Assert.Equal("FC Invoke End RequestId: " + escaped, lines[2]);
    }

    [Fact]
    public void Every_marker_escapes_its_request_id_and_leaves_a_normal_id_as_it_is()
    {
        Func<string, string>[] markers =
        [
            FcLogLines.InvokeStart, FcLogLines.InvokeEnd, FcLogLines.InitializeStart, FcLogLines.InitializeEnd,
            FcLogLines.PreStopStart, FcLogLines.PreStopEnd, FcLogLines.PreFreezeStart, FcLogLines.PreFreezeEnd,
        ];
        foreach (var marker in markers)
        {
            Assert.DoesNotContain('\n', marker("a\nb"));
            Assert.EndsWith(@"RequestId: a\nb", marker("a\nb"));
            Assert.EndsWith("RequestId: 1-6564b9c0-0a1b2c3d4e5f", marker("1-6564b9c0-0a1b2c3d4e5f"));
        }
    }

    [Fact]
    public void Every_line_the_writer_takes_is_one_physical_line()
    {
        var output = new CapturedLog();
        using (var writer = new FcLogWriter(output))
        {
            writer.WriteLine("raw\nFC Invoke End RequestId: forged");
            writer.WriteStartLine("start\rsecond");
            writer.WriteEndLine("end\u2028second");
        }
        Assert.Equal(["raw\\nFC Invoke End RequestId: forged", "start\\rsecond", "end\\u2028second"], output.Lines);
    }

    [Fact]
    public void Text_without_control_characters_is_returned_as_it_is_without_a_copy()
    {
        var text = "2026 ordinary message: päth C:\\dir, 中文, emoji \U0001F600";
        Assert.Same(text, LogText.Escape(text));
    }

    [Fact]
    public void Every_c0_control_del_and_unicode_line_break_is_escaped_and_nothing_else_is()
    {
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var text = "a" + (char)c + "b";
            var escaped = LogText.Escape(text);
            var expectEscaped = c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029;
            if (!expectEscaped)
            {
                Assert.Same(text, escaped);
                continue;
            }
            var expected = c switch { '\n' => @"\n", '\r' => @"\r", '\t' => @"\t", _ => $@"\u{c:x4}" };
            Assert.Equal("a" + expected + "b", escaped);
        }
    }

    [Fact]
    [Trait("Category", "Property")]
    public void Any_text_written_as_a_record_stays_one_line()
    {
        var lineBreaks = new[] { '\n', '\r', '\u000B', '\u000C', '\u0085', '\u2028', '\u2029' };
        Gen.Select(TextGen.Text(60), TextGen.Text(20)).Sample((message, id) =>
        {
            var output = new CapturedLog();
            using (var writer = new FcLogWriter(output)) writer.WriteLog(LogLevel.Information, id, message);
            var text = output.Text;
            Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(-1, text.AsSpan(0, text.Length - 1).IndexOfAny(lineBreaks));
            // Escaping is per character (the exhaustive test above pins each one): no sequence changes what its characters become.
            Assert.Equal(string.Concat(message.Select(c => LogText.Escape(c.ToString()))), LogText.Escape(message));
        });
    }
}
