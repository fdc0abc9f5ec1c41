using System.Net;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime.Tests.Hosting;

/// <summary>
/// A body the runtime will refuse is not read: a declared size over the limit (32 MB) is answered at once, before a
/// <c>100 Continue</c> invites the bytes, and the connection is closed instead of drained.
/// </summary>
public class BodyLimitTests
{
    private const long Declared = 40_000_000;

    private static void App(WebApplication app)
    {
        app.MapEvent("echo", (Stream input, IFcContext _) => input);
        app.MapEvent("other", (Stream input, IFcContext _) => input); // two handlers: a single one answers any name
        app.MapPost("/upload", async (HttpRequest request) => (await new StreamReader(request.Body).ReadToEndAsync()).Length);
        app.MapPost("/ignore-body", () => "answered without reading");
        app.OnInitialize(_ => { });
    }

    private static string Head(string requestLine, string fcHeaders) =>
        $"{requestLine}\r\nHost: 127.0.0.1\r\n{fcHeaders}Content-Type: application/octet-stream\r\nExpect: 100-continue\r\nContent-Length: {Declared}\r\n\r\n";

    public static TheoryData<string, string, string> Oversized => new()
    {
        { "event invoke", Head("POST /invoke HTTP/1.1", "x-fc-control-path: /invoke\r\nx-fc-function-handler: echo\r\nx-fc-request-id: big-1\r\n"), "HTTP/1.1 404 " },
        { "unknown handler", Head("POST /invoke HTTP/1.1", "x-fc-control-path: /invoke\r\nx-fc-function-handler: nope\r\nx-fc-request-id: big-2\r\n"), "HTTP/1.1 404 " },
        { "initialize hook", Head("POST /initialize HTTP/1.1", "x-fc-control-path: /initialize\r\nx-fc-request-id: big-3\r\n"), "HTTP/1.1 200 " },
        { "web endpoint that reads", Head("POST /upload HTTP/1.1", "x-fc-request-id: big-4\r\n"), "HTTP/1.1 413 " },
        { "web endpoint that ignores the body", Head("POST /ignore-body HTTP/1.1", "x-fc-request-id: big-5\r\n"), "HTTP/1.1 413 " },
    };

    [Theory]
    [MemberData(nameof(Oversized))]
    public async Task A_declared_body_over_the_limit_is_refused_without_100_continue_and_without_being_read(string what, string head, string statusLine)
    {
        await using var host = await TestFunctionHost.StartAsync(App);
        await using var raw = await RawHttp.ConnectAsync(host.Address);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await raw.SendAsync(head);
        var (answer, body) = await raw.ReadResponseAsync(limit.Token);

        Assert.True(answer.StartsWith(statusLine, StringComparison.Ordinal), $"{what}: {answer}\n{body}");
        Assert.Contains("Connection: close", answer);
        // The server does not read the body: a drain would take all 40 MB; a closed socket takes what the buffers hold.
        var accepted = await raw.SendBodyUntilRefusedAsync(Declared, limit.Token);
        Assert.True(accepted < Declared / 2, $"{what}: the server took {accepted} body bytes after refusing the body");
        Assert.True(await raw.ServerClosedAsync(limit.Token));
    }

    [Fact]
    public async Task An_event_sent_chunked_is_read_up_to_the_limit_then_refused_and_the_rest_is_not_read()
    {
        const long limit = 4 * 1024 * 1024;
        var handlerRan = false;
        await using var host = await TestFunctionHost.StartAsync(
            app => app.MapEvent("echo", (Stream input, IFcContext _) => { handlerRan = true; return input; }),
            options => options.MaxEventBytes = limit);
        await using var raw = await RawHttp.ConnectAsync(host.Address);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await raw.SendAsync("POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-control-path: /invoke\r\nx-fc-function-handler: echo\r\n" +
            "x-fc-request-id: chunked-1\r\nTransfer-Encoding: chunked\r\n\r\n");
        // Before the fix the runtime drained up to 4x the limit and Kestrel then drained the rest: all 16x would go in.
        var accepted = await raw.SendBodyUntilRefusedAsync(16 * limit, timeout.Token, chunked: true);
        var (answer, body) = await raw.ReadResponseAsync(timeout.Token);

        Assert.True(accepted < 8 * limit, $"the server took {accepted} bytes of a body it refused at {limit}");
        Assert.StartsWith("HTTP/1.1 404 ", answer);
        Assert.Contains("Connection: close", answer);
        Assert.Contains($"\"errorType\":\"{nameof(FunctionCompute.Runtime.EventTooLargeException)}\"", body);
        Assert.False(handlerRan);
        using var next = await host.Client.SendAsync(Fc.Invoke("echo", "small"));
        Assert.Equal("small", await next.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST /invoke HTTP/1.1\r\nx-fc-control-path: /invoke\r\nx-fc-function-handler: nope\r\n", "HTTP/1.1 404 ")]
    [InlineData("POST /initialize HTTP/1.1\r\nx-fc-control-path: /initialize\r\n", "HTTP/1.1 200 ")]
    public async Task A_small_body_the_call_does_not_need_is_read_and_dropped_and_the_connection_serves_on(string head, string statusLine)
    {
        await using var host = await TestFunctionHost.StartAsync(App);
        await using var raw = await RawHttp.ConnectAsync(host.Address);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var body = new string('b', 1000);

        await raw.SendAsync($"{head}Host: 127.0.0.1\r\nx-fc-request-id: small-1\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        var (answer, _) = await raw.ReadResponseAsync(timeout.Token);
        Assert.StartsWith(statusLine, answer);
        Assert.DoesNotContain("Connection: close", answer);

        // The same connection carries the next call: the dropped body did not end up as the next request's bytes.
        await raw.SendAsync("POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-control-path: /invoke\r\nx-fc-function-handler: echo\r\nContent-Length: 4\r\n\r\nnext");
        var (nextAnswer, nextBody) = await raw.ReadResponseAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 200 ", nextAnswer);
        Assert.Equal("next", nextBody);
    }
}
