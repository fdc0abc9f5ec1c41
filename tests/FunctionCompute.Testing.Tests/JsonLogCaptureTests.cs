using System.Text.Json;
using FunctionCompute.Runtime;
using SampleFunctions;

namespace FunctionCompute.Testing.Tests;

/// <summary>The kit's log capture reads JSON lines (<c>FC_LOG_FORMAT=json</c>) into the same <see cref="FcLogLine"/> as text lines.</summary>
public class JsonLogCaptureTests
{
    private const string Secret = "kit-secret-0123456789abcdefghij";
    private const string Token = "CAIS-kit-token-" + Secret;

    [Fact]
    public void A_JSON_line_is_parsed_into_the_same_fields_with_the_extra_ones_at_hand()
    {
        var line = FcLogLine.Parse("""{"time":"2026-11-23T10:00:00.123Z","level":"ERROR","requestId":"r-1","category":"Function","message":"order A failed","messageTemplate":"order {Order} failed","properties":{"Order":"A","Items":3},"scope":{"Tenant":"t"},"exception":{"type":"System.InvalidOperationException","message":"no stock","stackTrace":["at X.Y()"],"inner":{"type":"System.ArgumentException","message":"bad"}}}""");

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero), line.Time);
        Assert.Equal("r-1", line.RequestId);
        Assert.Equal("ERROR", line.Level);
        // The exception follows the message as the text format shows it, so tests read the same in both formats.
        Assert.Equal(@"order A failed\nSystem.InvalidOperationException: no stock ---> System.ArgumentException: bad\n   at X.Y()", line.Message);
        Assert.Equal("Function", line.Category);
        Assert.Equal("order {Order} failed", line.MessageTemplate);
        Assert.Equal("A", line.Properties["Order"].GetString());
        Assert.Equal(3, line.Properties["Items"].GetInt32());
        Assert.Equal("t", line.Scope["Tenant"].GetString());
        Assert.Equal("no stock", line.Exception!.Value.GetProperty("message").GetString());
        Assert.NotNull(line.Json);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"no":"time"}""")]
    [InlineData("[1,2]")]
    public void Braces_that_are_not_a_runtime_record_stay_text(string raw)
    {
        var line = FcLogLine.Parse(raw);
        Assert.Null(line.Json);
        Assert.Equal(raw, line.Message);
        Assert.Empty(line.Properties);
    }

    [Theory]
    [InlineData(FcLogFormat.Text)]
    [InlineData(FcLogFormat.Json)]
    public async Task A_test_reads_the_same_lines_in_both_formats(FcLogFormat format)
    {
        await using var server = await FcTestServer.StartAsync(configure => SampleApp.Create([], configure), options => options.LogFormat = format);
        await server.InitializeAsync();

        await server.InvokeAsync("greet", new GreetEvent("Ada"), SampleJson.Default.GreetEvent, SampleJson.Default.GreetResult,
            new FcContextBuilder().WithRequestId("both-1"));
        var result = await server.InvokeAsync("structured-log", """{"order":"A-1","items":3}""", new FcContextBuilder().WithRequestId("both-2"));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(["FC Invoke Start RequestId: both-1", "greeting Ada", "FC Invoke End RequestId: both-1"], server.Log.For("both-1").Select(l => l.Message));
        var lines = server.Log.For("both-2");
        Assert.Equal(4, lines.Count);
        Assert.Equal("reserving 3 items of order A-1", lines[1].Message);
        Assert.StartsWith(@"order A-1 was not reserved\nSystem.InvalidOperationException: no stock for the 3 items of order A-1", lines[2].Message);
        Assert.Equal(["INFO", "WARNING"], lines.Skip(1).Take(2).Select(l => l.Level));
        Assert.Equal(format == FcLogFormat.Json, lines[1].Json is not null);
        if (format == FcLogFormat.Json)
        {
            Assert.Equal(3, lines[1].Properties["Items"].GetInt32());
            Assert.Equal("A-1", lines[1].Scope["Order"].GetString());
            Assert.Equal("System.InvalidOperationException", lines[2].Exception!.Value.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task The_app_s_own_program_logs_JSON_when_the_kit_asks_for_it_after_the_app_built_its_builder()
    {
        // The kit sets the options once Program has run CreateBuilder: the format is read when the writer is made, not before.
        await using var fc = FcTestApp.For<Program>(options => options.LogFormat = FcLogFormat.Json);

        var result = await fc.InvokeAsync("structured-log", """{"order":"P-1","items":1}""",
            new FcContextBuilder().WithRequestId("program-json").WithCredentials("STS.kit", Secret, Token));

        Assert.Equal(200, result.StatusCode);
        var reserving = Assert.Single(result.Logs, l => l.Message == "reserving 1 items of order P-1");
        Assert.Equal("program-json", reserving.RequestId);
        Assert.Equal(1, reserving.Properties["Items"].GetInt32());
        Assert.Equal("FC Invoke Start RequestId: program-json", result.Logs[0].Raw);
    }

    [Fact]
    public async Task Two_hundred_concurrent_invocations_give_whole_JSON_lines_each_with_exactly_one_request()
    {
        await using var server = await FcTestServer.StartAsync(configure => SampleApp.Create([], configure), options => options.LogFormat = FcLogFormat.Json);
        await server.InitializeAsync(); // the initializer's line and the start-up line first: only the invocations' lines are counted
        server.Log.Clear();
        var ids = Enumerable.Range(0, 200).Select(i => $"load-{i:000}").ToArray();

        var results = await Task.WhenAll(ids.Select(id => Task.Run(() => server.InvokeAsync("structured-log",
            $$"""{"order":"{{id}}/{{Secret}}","items":2}""",
            new FcContextBuilder().WithRequestId(id).WithCredentials("STS.kit", Secret, Token)))));

        Assert.All(results, r => Assert.Equal(200, r.StatusCode));
        server.FlushLog();
        var lines = server.Log.Lines;
        Assert.DoesNotContain(Secret, server.Log.Text);
        Assert.DoesNotContain("kit-token", server.Log.Text);
        foreach (var line in lines)
        {
            // Whole records only: a split or merged line would not parse, or carry no (or a foreign) request id.
            if (line.Raw.StartsWith("FC Invoke ", StringComparison.Ordinal)) Assert.Contains(line.RequestId, ids);
            else Assert.Contains(JsonDocument.Parse(line.Raw).RootElement.GetProperty("requestId").GetString(), ids);
        }
        foreach (var id in ids)
        {
            var own = server.Log.For(id);
            Assert.Equal([$"FC Invoke Start RequestId: {id}", "INFO", "WARNING", $"FC Invoke End RequestId: {id}"], own.Select(l => l.Level ?? l.Raw));
            Assert.Equal($"{id}/***", own[1].Properties["Order"].GetString());
            Assert.Equal($"{id}/***", own[2].Scope["Order"].GetString());
            Assert.Equal($"no stock for the 2 items of order {id}/***", own[2].Exception!.Value.GetProperty("message").GetString());
        }
        Assert.Equal(800, lines.Count);
    }
}
