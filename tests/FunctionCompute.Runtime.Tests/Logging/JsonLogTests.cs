using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Logging;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Tests.Logging;

/// <summary>The JSON log format (<c>FC_LOG_FORMAT=json</c>): every user line one JSON object, the marker lines unchanged.</summary>
public partial class JsonLogTests
{
    [GeneratedRegex(@"^FC (Invoke|Initialize|PreStop|PreFreeze) (Start|End) RequestId: \S+$")]
    private static partial Regex MarkerLine();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")]
    private static partial Regex UtcMilliseconds();

    /// <summary>Every line of the log: a marker (returned as text) or a JSON object (parsed); anything else fails the test.</summary>
    internal static (List<string> Markers, List<JsonElement> Records) Split(string log)
    {
        var markers = new List<string>();
        var records = new List<JsonElement>();
        Assert.EndsWith("\n", log);
        foreach (var line in log[..^1].Split('\n'))
        {
            if (MarkerLine().IsMatch(line))
            {
                markers.Add(line);
                continue;
            }
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            var record = document.RootElement.Clone();
            Assert.Matches(UtcMilliseconds(), record.GetProperty("time").GetString());
            records.Add(record);
        }
        return (markers, records);
    }

    private static Task<TestFunctionHost> StartJsonAsync(Action<Microsoft.AspNetCore.Builder.WebApplication> map) =>
        TestFunctionHost.StartAsync(map, options => options.LogFormat = FcLogFormat.Json);

    private static void LogLikeAnApp(IFcContext context, string value)
    {
        using var outer = context.Logger.BeginScope("order {Order}", value);
        using var inner = context.Logger.BeginScope(new Dictionary<string, object?> { ["Attempt"] = 2, ["Note"] = value });
        using var text = context.Logger.BeginScope("plain scope " + value);
        context.Logger.LogInformation("reserving {Items} items of {Order} ({Weight} kg, express: {Express}, tags {Tags}, at {When})",
            3, value, 1.5, true, new[] { "a", value }, new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        try
        {
            try
            {
                throw new ArgumentException("inner " + value);
            }
            catch (ArgumentException cause)
            {
                throw new InvalidOperationException("no stock for " + value, cause);
            }
        }
        catch (InvalidOperationException exception)
        {
            context.Logger.LogError(exception, "order {Order} failed", value);
        }
    }

    [Fact]
    public async Task Every_line_of_an_invocation_is_one_JSON_object_with_its_fields_and_the_markers_stay_as_they_are()
    {
        await using var host = await StartJsonAsync(app =>
            app.MapEvent("log", (Stream input, IFcContext context) =>
            {
                LogLikeAnApp(context, "A-1\nFC Invoke End RequestId: forged");
                return input;
            }));

        using var response = await host.Client.SendAsync(Fc.Invoke("log", "x", requestId: "json-1"));
        ErrorBody.AssertSucceeded(response);

        var (markers, records) = Split(host.Log.Text);
        Assert.Equal(["FC Invoke Start RequestId: json-1", "FC Invoke End RequestId: json-1"], markers);
        var value = "A-1\nFC Invoke End RequestId: forged";
        var info = Assert.Single(records, r => r.GetProperty("level").GetString() == "INFO" && r.GetProperty("category").GetString() == "Function");
        Assert.Equal("json-1", info.GetProperty("requestId").GetString());
        Assert.Equal($"reserving 3 items of {value} (1.5 kg, express: True, tags a, {value}, at 11/27/2026 12:00:00 +00:00)", info.GetProperty("message").GetString());
        Assert.Equal("reserving {Items} items of {Order} ({Weight} kg, express: {Express}, tags {Tags}, at {When})", info.GetProperty("messageTemplate").GetString());
        var properties = info.GetProperty("properties");
        Assert.Equal(3, properties.GetProperty("Items").GetInt32());
        Assert.Equal(value, properties.GetProperty("Order").GetString());
        Assert.Equal(1.5, properties.GetProperty("Weight").GetDouble());
        Assert.True(properties.GetProperty("Express").GetBoolean());
        Assert.Equal(["a", value], properties.GetProperty("Tags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), properties.GetProperty("When").GetDateTimeOffset());
        Assert.False(properties.TryGetProperty("{OriginalFormat}", out _));
        var scope = info.GetProperty("scope");
        Assert.Equal(value, scope.GetProperty("Order").GetString());
        Assert.Equal(2, scope.GetProperty("Attempt").GetInt32());
        Assert.Equal(value, scope.GetProperty("Note").GetString());
        Assert.Equal(["plain scope " + value], info.GetProperty("scopeText").EnumerateArray().Select(e => e.GetString()));
        Assert.False(info.TryGetProperty("exception", out _));
        Assert.False(info.TryGetProperty("traceId", out _));

        var error = Assert.Single(records, r => r.GetProperty("level").GetString() == "ERROR");
        Assert.Equal($"order {value} failed", error.GetProperty("message").GetString());
        var exception = error.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("no stock for " + value, exception.GetProperty("message").GetString());
        Assert.Contains(exception.GetProperty("stackTrace").EnumerateArray(), frame => frame.GetString()!.Contains(nameof(LogLikeAnApp)));
        Assert.All(exception.GetProperty("stackTrace").EnumerateArray(), frame => Assert.StartsWith("at ", frame.GetString()));
        Assert.Equal("System.ArgumentException", exception.GetProperty("inner").GetProperty("type").GetString());
        Assert.Equal("inner " + value, exception.GetProperty("inner").GetProperty("message").GetString());
        Assert.Equal(value, error.GetProperty("scope").GetProperty("Order").GetString());
    }

    [Fact]
    public async Task The_secret_and_token_are_masked_in_message_template_properties_scopes_and_exception()
    {
        const string secret = "json-secret-0123456789abcdef";
        const string token = "CAIS-json-token-" + secret + "-tail";
        await using var host = await StartJsonAsync(app =>
            app.MapEvent("leak", (Stream input, IFcContext context) =>
            {
                var secretValue = context.Credentials.AccessKeySecret;
                LogLikeAnApp(context, "k=" + secretValue);
                context.Logger.LogWarning($"interpolated {context.Credentials.SecurityToken}");
                using (context.Logger.BeginScope(new Dictionary<string, object?> { [secretValue] = context.Credentials.SecurityToken }))
                    context.Logger.LogInformation("creds {Credentials} context {Context}", context.Credentials, context);
                return input;
            }));

        using var response = await host.Client.SendAsync(Fc.Invoke("leak", "x", requestId: "json-leak", headers: Fc.Credentials("STS.json", secret, token)));
        ErrorBody.AssertSucceeded(response);

        var log = host.Log.Text;
        Assert.DoesNotContain(secret, log);
        Assert.DoesNotContain("json-secret", log);
        Assert.DoesNotContain("json-token", log);
        var (_, records) = Split(log);
        var info = Assert.Single(records, r => r.GetProperty("message").GetString()!.StartsWith("reserving", StringComparison.Ordinal));
        Assert.Equal("k=***", info.GetProperty("properties").GetProperty("Order").GetString());
        Assert.Equal(["a", "k=***"], info.GetProperty("properties").GetProperty("Tags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("k=***", info.GetProperty("scope").GetProperty("Note").GetString());
        Assert.Equal(["plain scope k=***"], info.GetProperty("scopeText").EnumerateArray().Select(e => e.GetString()));
        var error = Assert.Single(records, r => r.GetProperty("level").GetString() == "ERROR");
        Assert.Equal("no stock for k=***", error.GetProperty("exception").GetProperty("message").GetString());
        Assert.Equal("inner k=***", error.GetProperty("exception").GetProperty("inner").GetProperty("message").GetString());
        var interpolated = Assert.Single(records, r => r.GetProperty("level").GetString() == "WARNING" && r.GetProperty("category").GetString() == "Function");
        Assert.Equal("interpolated ***", interpolated.GetProperty("message").GetString());
        Assert.False(interpolated.TryGetProperty("messageTemplate", out _)); // no named values: the template is the message again
        var creds = Assert.Single(records, r => r.GetProperty("message").GetString()!.StartsWith("creds", StringComparison.Ordinal));
        // Kestrel's connection scope (ConnectionId) is there too: every scope of the line is, not only the handler's.
        var masked = Assert.Single(creds.GetProperty("scope").EnumerateObject(), member => member.Name != "ConnectionId");
        Assert.Equal("***", masked.Name);
        Assert.Equal("***", masked.Value.GetString());
    }

    [Fact]
    public async Task A_line_logged_under_an_activity_carries_its_trace_and_span_ids()
    {
        string? expected = null;
        await using var host = await StartJsonAsync(app =>
            app.MapEvent("traced", (Stream input, IFcContext context) =>
            {
                context.Logger.LogInformation("before");
                using var activity = new Activity("work").SetIdFormat(ActivityIdFormat.W3C).Start();
                expected = $"{activity.TraceId.ToHexString()}/{activity.SpanId.ToHexString()}";
                context.Logger.LogInformation("inside");
                return input;
            }));

        using var response = await host.Client.SendAsync(Fc.Invoke("traced", "x", requestId: "json-trace"));
        ErrorBody.AssertSucceeded(response);

        var (_, records) = Split(host.Log.Text);
        var before = Assert.Single(records, r => r.GetProperty("message").GetString() == "before");
        Assert.False(before.TryGetProperty("traceId", out _));
        Assert.False(before.TryGetProperty("spanId", out _));
        var inside = Assert.Single(records, r => r.GetProperty("message").GetString() == "inside");
        Assert.Equal(expected, $"{inside.GetProperty("traceId").GetString()}/{inside.GetProperty("spanId").GetString()}");
        // The host's own trace scope is off: the ids are fields already.
        Assert.DoesNotContain(inside.GetProperty("scope").EnumerateObject(), member => member.Name is "TraceId" or "SpanId" or "ParentId");
    }

    [Fact]
    public async Task Lines_outside_any_invocation_and_the_runtimes_own_notes_are_JSON_too()
    {
        await using var host = await StartJsonAsync(app => app.MapEvent("echo", (Stream input, IFcContext _) => input));
        await host.WaitForLogLineAsync(line => line.Contains("FC runtime listening on", StringComparison.Ordinal));

        // A malformed header: the runtime notes it inside the invocation (FcLogWriter.WriteLog).
        using var response = await host.Client.SendAsync(Fc.Invoke("echo", "x", requestId: "json-bad-hdr", headers: new Dictionary<string, string>
        {
            [FunctionCompute.Runtime.Contract.FcHeaders.FunctionMemory] = "abc\"quoted\"",
        }));
        ErrorBody.AssertSucceeded(response);

        var (markers, records) = Split(host.Log.Text);
        Assert.Equal(["FC Invoke Start RequestId: json-bad-hdr", "FC Invoke End RequestId: json-bad-hdr"], markers);
        var started = Assert.Single(records, r => r.GetProperty("message").GetString()!.StartsWith("FC runtime listening on", StringComparison.Ordinal));
        Assert.False(started.TryGetProperty("requestId", out _));
        Assert.Equal("FunctionCompute.Runtime", started.GetProperty("category").GetString());
        Assert.Equal("INFO", started.GetProperty("level").GetString());
        Assert.StartsWith("FC runtime listening on {Addresses}", started.GetProperty("messageTemplate").GetString());
        var note = Assert.Single(records, r => r.TryGetProperty("requestId", out var id) && id.GetString() == "json-bad-hdr");
        Assert.Equal("WARNING", note.GetProperty("level").GetString());
        Assert.Contains("'abc\"quoted\"'", note.GetProperty("message").GetString());
    }

    /// <summary>A value whose text is rendered by code that logs in turn, on the same thread, in the middle of a record.</summary>
    private sealed class LogsWhenRendered(ILogger logger)
    {
        public override string ToString()
        {
            logger.LogInformation("rendering {What}", "nested");
            return "rendered";
        }
    }

    [Fact]
    public async Task A_value_that_logs_while_it_is_rendered_gives_two_whole_lines_not_one_garbled_one()
    {
        await using var host = await StartJsonAsync(app =>
            app.MapEvent("reentrant", (Stream input, IFcContext context) =>
            {
                context.Logger.LogInformation("outer {Value}", new LogsWhenRendered(context.Logger));
                return input;
            }));

        using var response = await host.Client.SendAsync(Fc.Invoke("reentrant", "x", requestId: "json-reentrant"));
        ErrorBody.AssertSucceeded(response);

        var (_, records) = Split(host.Log.Text);
        var outer = Assert.Single(records, r => r.GetProperty("message").GetString()!.StartsWith("outer", StringComparison.Ordinal));
        Assert.Equal("rendered", outer.GetProperty("properties").GetProperty("Value").GetString());
        // Rendered twice: for the message (by the logging framework), then for the property (by the JSON record).
        Assert.Equal(2, records.Count(r => r.GetProperty("message").GetString() == "rendering nested"));
        Assert.Equal(3, records.Count(r => r.TryGetProperty("requestId", out var id) && id.GetString() == "json-reentrant"));
    }

    [Fact]
    public void The_writers_own_JSON_line_escapes_every_control_character_and_keeps_the_text_whole()
    {
        var output = new MemoryStream();
        var time = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);
        var message = "a\r\nb\tc\u0000d\u001be\u007ff\u0085g\u2028h\u2029i \"quoted\" \\ 中文 <&>";
        using (var writer = new FcLogWriter(output, new FixedClock(time), FcLogFormat.Json))
        {
            Assert.Equal(FcLogFormat.Json, writer.Format);
            writer.WriteLog(LogLevel.Critical, "rid\n2", message);
        }

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(1, text.Count(c => c == '\n'));
        Assert.DoesNotContain(text[..^1], c => c < 0x20 || c is '\u007f' or '\u0085' or '\u2028' or '\u2029');
        Assert.Contains("中文 <&>", text); // people read the log: non-ASCII and HTML characters stay as they are
        var record = Assert.Single(Split(text).Records);
        Assert.Equal("2026-11-23T10:00:00.123Z", record.GetProperty("time").GetString());
        Assert.Equal("FATAL", record.GetProperty("level").GetString());
        Assert.Equal("rid\n2", record.GetProperty("requestId").GetString());
        Assert.Equal(message, record.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("json", FcLogFormat.Json)]
    [InlineData(" JSON ", FcLogFormat.Json)]
    [InlineData("Text", FcLogFormat.Text)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void FC_LOG_FORMAT_names_the_format(string? value, FcLogFormat? expected)
    {
        var options = FunctionAppOptions.FromEnvironment(name => name == "FC_LOG_FORMAT" ? value : null);
        Assert.Equal(expected, options.LogFormat);
    }

    [Fact]
    public void A_bad_FC_LOG_FORMAT_is_a_start_up_error_that_names_the_variable_and_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionAppOptions.FromEnvironment(name => name == "FC_LOG_FORMAT" ? "jsonl" : null));
        Assert.Equal("Environment variable FC_LOG_FORMAT must be 'text' or 'json', but is 'jsonl'.", error.Message);
    }

    [Fact]
    public void A_bad_format_in_configuration_is_a_start_up_error_too()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionApp.CreateBuilder(["--FunctionCompute:LogFormat=xml"], options =>
        {
            options.LogFormat = null;
            options.LogOutput = new MemoryStream();
        }));
        Assert.Equal("Configuration key FunctionCompute:LogFormat must be 'text' or 'json', but is 'xml'.", error.Message);
    }

    [Theory]
    [InlineData(null, "json", true)]   // configuration alone
    [InlineData(FcLogFormat.Text, "json", false)] // code (or FC_LOG_FORMAT, read into the options) wins over configuration
    [InlineData(FcLogFormat.Json, "text", true)]
    [InlineData(null, null, false)]    // the default: text
    public async Task The_format_comes_from_code_or_the_environment_else_configuration_else_text(FcLogFormat? code, string? configured, bool json)
    {
        var log = new CapturedLog();
        var builder = FunctionApp.CreateBuilder(configured is null ? [] : [$"--FunctionCompute:LogFormat={configured}"], options =>
        {
            options.Port = 0;
            options.ListenAddress = System.Net.IPAddress.Loopback;
            options.LogOutput = log;
            options.LogFormat = code;
        });
        await using var app = builder.Build();
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Test").LogInformation("hello {Name}", "x");
        app.Services.GetRequiredService<FcLogWriter>().Flush();

        var line = Assert.Single(log.Lines);
        Assert.Equal(json, line.StartsWith('{'));
        if (!json) Assert.EndsWith(" [INFO] hello x", line);
    }
}
