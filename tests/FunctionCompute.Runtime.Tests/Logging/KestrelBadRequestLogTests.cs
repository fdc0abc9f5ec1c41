using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Tests.Infrastructure;

namespace FunctionCompute.Runtime.Tests.Logging;

/// <summary>
/// Kestrel rejects a malformed header line before the runtime sees the request and logs it (category
/// Microsoft.AspNetCore.Server.Kestrel.BadRequests, Debug); with Kestrel's main category at Information or lower, the
/// message quotes the line, value included. No invocation is running then, so the runtime cannot mask it: the
/// runtime's defaults (Microsoft.* at Warning) keep it out; an app that turns Kestrel's logging up shows header values.
/// </summary>
public class KestrelBadRequestLogTests
{
    [Theory]
    [InlineData(null, null, false)]
    // The bad request is logged, but Kestrel leaves the line out of its message unless its main category logs Information.
    [InlineData("Microsoft.AspNetCore.Server.Kestrel.BadRequests", "Debug", false)]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel", "Debug", true)]
    public async Task A_malformed_header_lines_value_reaches_the_log_only_when_kestrels_own_logging_is_turned_up(string? category, string? level, bool shown)
    {
        const string token = "CAISmalformedTokenValue0123456789";
        await using var host = await TestFunctionHost.StartAsync(
            app => app.MapEvent("echo", (Stream input, IFcContext _) => input),
            build: builder =>
            {
                if (category is not null) builder.Configuration[$"Logging:LogLevel:{category}"] = level;
            });
        await using var raw = await RawHttp.ConnectAsync(host.Address);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // A header line without its colon: Kestrel answers 400 and closes.
        await raw.SendAsync($"POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-security-token {token}\r\nContent-Length: 0\r\n\r\n");
        var (answer, _) = await raw.ReadResponseAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 400 ", answer);
        Assert.True(await raw.ServerClosedAsync(timeout.Token));

        if (shown)
        {
            await host.WaitForLogLineAsync(line => line.Contains(token, StringComparison.Ordinal));
        }
        else
        {
            if (level is not null) await host.WaitForLogLineAsync(line => line.Contains("bad request data", StringComparison.Ordinal));
            Assert.DoesNotContain(token, host.Log.Text);
        }
    }
}
