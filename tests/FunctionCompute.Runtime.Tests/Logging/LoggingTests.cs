using System.Text.RegularExpressions;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Logging;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Tests.Logging;

public sealed class Worker(ILogger<Worker> logger)
{
    public void Work(string what) => logger.LogWarning("worker did {What}", what);
}

/// <summary>The contract's log lines, and user lines in FC's format from any ILogger.</summary>
public partial class LoggingTests
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (?<id>\S+) \[(?<level>[A-Z]+)\] (?<message>.*)$")]
    private static partial Regex FcLine();

    [Fact]
    public async Task An_invocation_is_framed_by_start_and_end_lines_with_its_request_id()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapEvent("log", (Stream input, IFcContext context) =>
            {
                context.Logger.LogInformation("inside the handler");
                return input;
            }));

        using var response = await host.Client.SendAsync(Fc.Invoke("log", "x", requestId: "log-req-1"));
        ErrorBody.AssertSucceeded(response);

        var lines = host.Log.Lines.ToList();
        var start = lines.IndexOf("FC Invoke Start RequestId: log-req-1");
        var end = lines.IndexOf("FC Invoke End RequestId: log-req-1");
        var inside = lines.FindIndex(line => line.EndsWith("inside the handler"));
        Assert.True(start >= 0 && start < inside && inside < end, string.Join("\n", lines));
        var match = FcLine().Match(lines[inside]);
        Assert.True(match.Success, lines[inside]);
        Assert.Equal("log-req-1", match.Groups["id"].Value);
        Assert.Equal("INFO", match.Groups["level"].Value);
    }

    [Fact]
    public async Task Any_ILogger_the_handler_uses_writes_the_request_id()
    {
        await using var host = await TestFunctionHost.StartAsync(
            app =>
            {
                var worker = app.Services.GetRequiredService<Worker>();
                app.MapEvent("di", async (Stream input, IFcContext _) =>
                {
                    await Task.Delay(10);
                    worker.Work("a job");
                    return input;
                });
            },
            build: builder => builder.Services.AddSingleton<Worker>());

        var ids = Enumerable.Range(0, 8).Select(i => $"di-{i}").ToArray();
        await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await host.Client.SendAsync(Fc.Invoke("di", id, requestId: id));
            ErrorBody.AssertSucceeded(response);
        }));

        var workerLines = host.Log.Lines.Select(line => FcLine().Match(line)).Where(m => m.Success && m.Groups["message"].Value == "worker did a job").ToList();
        Assert.Equal(ids.Order(), workerLines.Select(m => m.Groups["id"].Value).Order());
        Assert.All(workerLines, m => Assert.Equal("WARNING", m.Groups["level"].Value));
    }

    [Theory]
    [InlineData(LogLevel.Trace, "VERBOSE")]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARNING")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "FATAL")]
    public void Levels_are_written_with_fc_words(LogLevel level, string word)
    {
        var output = new CapturedLog();
        var time = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);
        using (var writer = new FcLogWriter(output, new FixedClock(time))) writer.WriteLog(level, "rid", "message text");
        Assert.Equal($"2026-11-23T10:00:00.123Z rid [{word}] message text\n", output.Text);
    }

    [Fact]
    public async Task Malformed_headers_are_logged_inside_the_invocation_and_it_still_runs()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapEvent("mem", (Stream _, IFcContext context) => (Stream)new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"{context.FunctionParam.MemoryLimitInMB?.ToString() ?? "none"}|{context.Region}"))));

        using var response = await host.Client.SendAsync(Fc.Invoke("mem", "x", requestId: "bad-hdr", headers: new Dictionary<string, string>
        {
            [FcHeaders.FunctionMemory] = "abc",
            [FcHeaders.FunctionTimeout] = "-5",
            [FcHeaders.Region] = "cn-qingdao",
        }));

        ErrorBody.AssertSucceeded(response);
        Assert.Equal("none|cn-qingdao", await response.Content.ReadAsStringAsync());
        var warnings = host.Log.Lines.Where(line => line.Contains("bad-hdr [WARNING]")).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, line => line.Contains(FcHeaders.FunctionMemory) && line.Contains("'abc'"));
        Assert.Contains(warnings, line => line.Contains(FcHeaders.FunctionTimeout) && line.Contains("'-5'"));
    }

    [Fact]
    public async Task A_handler_that_logs_its_credentials_gets_them_masked()
    {
        const string secret = "logged-secret-abcdef";
        const string token = "logged-token-CAIS-123456";
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapEvent("leak", (Stream input, IFcContext context) =>
            {
                context.Logger.LogInformation("secret={Secret} token={Token} creds={Creds} ctx={Context}",
                    context.Credentials.AccessKeySecret, context.Credentials.SecurityToken, context.Credentials, context);
                return input;
            }));

        using var response = await host.Client.SendAsync(Fc.Invoke("leak", "x", headers: Fc.Credentials("STS.leak", secret, token)));
        ErrorBody.AssertSucceeded(response);

        Assert.Contains("secret=*** token=***", host.Log.Text);
        Assert.DoesNotContain(secret, host.Log.Text);
        Assert.DoesNotContain(token, host.Log.Text);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Information", true)]
    public async Task Hostings_request_lines_and_activity_are_off_unless_the_apps_configuration_turns_them_on(string? level, bool expected)
    {
        // No listener here: hosting starts an Activity per request only while its log category is enabled.
        await using var host = await TestFunctionHost.StartAsync(
            app => app.MapEvent("echo", (Stream _, IFcContext _) =>
                (Stream)new MemoryStream(System.Text.Encoding.UTF8.GetBytes(System.Diagnostics.Activity.Current is null ? "no activity" : "activity"))),
            build: builder =>
            {
                if (level is not null) builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = level;
            });

        using var response = await host.Client.SendAsync(Fc.Invoke("echo", "x", requestId: "hosting-1"));
        ErrorBody.AssertSucceeded(response);
        Assert.Equal(expected ? "activity" : "no activity", await response.Content.ReadAsStringAsync());

        await host.WaitForLogLineAsync("FC Invoke End RequestId: hosting-1");
        if (expected) await host.WaitForLogLineAsync(line => line.Contains("Request finished", StringComparison.Ordinal));
        Assert.Equal(expected, host.Log.Text.Contains("Request starting", StringComparison.Ordinal));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
