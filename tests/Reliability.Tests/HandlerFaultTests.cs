using System.Net;
using System.Net.Sockets;
using System.Text;
using static Reliability.Tests.Invocation;

namespace Reliability.Tests;

/// <summary>
/// Handlers that misbehave the ways user code does. Each fault gets the contract's error answer (or, when the caller
/// is gone, nothing), and the same process serves the next invocation.
/// </summary>
[Trait("Category", "Reliability")]
public class HandlerFaultTests
{
    [Theory]
    [InlineData("invalid", "InvalidOperationException")]
    [InlineData("null", "NullReferenceException")]
    [InlineData("argument", "ArgumentException")]
    [InlineData("aggregate", "AggregateException")]
    [InlineData("nested", "InvalidOperationException")]
    [InlineData("task-canceled", "TaskCanceledException")]
    public async Task A_throwing_handler_gets_the_error_json_with_its_type_and_the_process_serves_on(string kind, string type)
    {
        await using var function = await FaultApp.StartAsync();

        using var response = await function.Client.SendAsync(Invoke("throw", $"{kind}:broken on purpose", "throw-1"));

        var (errorType, message) = await ErrorOf(response);
        Assert.Equal(type, errorType);
        Assert.Contains("broken on purpose", message);
        await AssertStillServes(function.Client, "after-throw");
        await function.WaitForOutputAsync("FC Invoke End RequestId: throw-1", TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("hang-blocking")]
    [InlineData("hang-async")]
    public async Task A_handler_that_ignores_its_token_past_the_timeout_is_answered_at_the_deadline(string handler)
    {
        await using var function = await FaultApp.StartAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20)); // far past the 1 s deadline, well short of forever

        // Several at once: each holds on forever, none may stop the others' answers or the next invocation.
        var hung = Enumerable.Range(0, 4).Select(i => function.Client.SendAsync(Invoke(handler, "{}", $"hang-{i}", timeoutSeconds: 1), limit.Token)).ToArray();
        foreach (var call in hung)
        {
            using var response = await call;
            var (type, message) = await ErrorOf(response);
            Assert.Equal("FunctionTimeoutException", type);
            Assert.Contains("1 s", message);
        }
        await AssertStillServes(function.Client, "after-hang");
        for (var i = 0; i < 4; i++) Assert.Contains($"FC Invoke End RequestId: hang-{i}", function.Output);
    }

    [Fact]
    public async Task A_blocking_handler_that_returns_after_the_deadline_gets_one_answer_the_timeout()
    {
        await using var function = await FaultApp.StartAsync();

        using var response = await function.Client.SendAsync(Invoke("block-then-return", "2500", "late-1", timeoutSeconds: 1));

        Assert.Equal("FunctionTimeoutException", (await ErrorOf(response)).Type);
        Assert.Equal("close", response.Headers.Connection.Single()); // that request never finishes cleanly: do not reuse its connection
        await Task.Delay(2000); // the handler returns now, into an invocation that was already answered
        await AssertStillServes(function.Client, "after-late");
        Assert.DoesNotContain("late 2500", function.Output);
        Assert.DoesNotContain("aborting the connection", function.Output);
        Assert.Equal(1, function.Output.Split("FC Invoke End RequestId: late-1").Length - 1);
    }

    [Fact]
    public async Task A_handler_that_exhausts_memory_gets_an_out_of_memory_error_and_the_process_recovers()
    {
        // A GC heap limit stands in for the function's memory size, as FC's container limit does.
        await using var function = await FaultApp.StartAsync(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" }); // 256 MiB

        using var response = await function.Client.SendAsync(Invoke("allocate", "{}", "allocate-1"));

        var (type, _) = await ErrorOf(response);
        Assert.Equal("OutOfMemoryException", type);
        await AssertStillServes(function.Client, "after-allocate");
        // The hoard became garbage with the failed invocation: a second one meets the same limit, not a half-dead process.
        using var again = await function.Client.SendAsync(Invoke("allocate", "{}", "allocate-2"));
        Assert.Equal("OutOfMemoryException", (await ErrorOf(again)).Type);
        await AssertStillServes(function.Client, "after-allocate-2");
        Assert.False(function.HasExited);
    }

    [Fact]
    public async Task A_caller_gone_before_a_large_result_is_written_does_not_hurt_the_process()
    {
        await using var function = await FaultApp.StartAsync();
        using (var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(150)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                function.Client.SendAsync(Invoke("slow-large-result", "{}", "gone-1"), impatient.Token));
        }

        await function.WaitForOutputAsync("FC Invoke End RequestId: gone-1", TimeSpan.FromSeconds(10));
        await AssertStillServes(function.Client, "after-gone");
        Assert.False(function.HasExited);
    }

    [Fact]
    public async Task A_web_endpoint_that_keeps_writing_after_its_caller_left_does_not_hurt_the_process()
    {
        await using var function = await FaultApp.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            using var response = await function.Client.GetAsync("/stream-ignoring-abort", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            Assert.True(await body.ReadAsync(buffer) > 0);
            // Disposing here closes the connection with most of the body unread.
        }

        await AssertStillServes(function.Client, "after-closed-response");
        Assert.False(function.HasExited);
        Assert.DoesNotContain("Unhandled exception", function.Output);
    }

    [Fact]
    public async Task A_caller_that_disconnects_mid_body_loses_only_its_own_invocation()
    {
        await using var function = await FaultApp.StartAsync();

        for (var i = 0; i < 5; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, function.Port);
            var head = $"POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-control-path: /invoke\r\nx-fc-function-handler: count\r\n" +
                       $"x-fc-request-id: half-{i}\r\nx-fc-function-timeout: 30\r\nContent-Length: 1048576\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head));
            await socket.SendAsync(new byte[100_000]);
            socket.Close(); // 100 KB of the promised 1 MiB, then gone
        }

        for (var i = 0; i < 5; i++)
            await function.WaitForOutputAsync($"FC Invoke End RequestId: half-{i}", TimeSpan.FromSeconds(10));
        using var whole = await function.Client.SendAsync(Invoke("count", new ByteArrayContent(new byte[1_048_576]), "whole"));
        Assert.Equal("1048576", await whole.Content.ReadAsStringAsync());
    }
}
