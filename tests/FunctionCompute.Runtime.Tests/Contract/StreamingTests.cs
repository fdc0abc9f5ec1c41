using System.Net;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime.Tests.Contract;

/// <summary>
/// A web function's streamed response passes the contract middleware and the call's log frame as it is written: the
/// endpoint writes its last chunk only after the test has received the first, so a buffered response never completes.
/// </summary>
public class StreamingTests
{
    [Fact]
    public async Task Chunks_leave_the_runtime_as_they_are_written_and_the_frame_ends_after_the_last()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestFunctionHost.StartAsync(app => app.MapGet("/stream", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync("first\n");
            await http.Response.Body.FlushAsync();
            await received.Task.WaitAsync(http.RequestAborted);
            await http.Response.WriteAsync("last\n");
        }));

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // against a hang, not a timing assertion
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stream");
        request.Headers.Add(FcHeaders.RequestId, "stream-1");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));

        Assert.Equal("first", await reader.ReadLineAsync(limit.Token));
        Assert.DoesNotContain(host.Log.Lines, line => line.Contains("FC Invoke End RequestId: stream-1"));
        received.SetResult();
        Assert.Equal("last", await reader.ReadLineAsync(limit.Token));
        Assert.Null(await reader.ReadLineAsync(limit.Token));
        await host.WaitForLogLineAsync(line => line.Contains("FC Invoke End RequestId: stream-1"));
    }
}
