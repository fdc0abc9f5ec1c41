using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;
using FunctionCompute.Tests.Shared;

namespace SampleFunctions.Tests;

/// <summary>The package's server-sent events endpoint, as FC's HTTP trigger calls it: each event leaves as it is written.</summary>
public class StreamingTests
{
    [Fact]
    public async Task The_packaged_function_streams_the_first_event_before_the_last_is_written()
    {
        await using var function = await FunctionProcess.StartPackageAsync();
        var requests = 0;
        var outcome = await SseProbe.SubscribeThenPublishAsync(function.Client, "packaged", request =>
        {
            request.Headers.Add(FcHeaders.RequestId, $"sse-{Interlocked.Increment(ref requests)}");
            request.Headers.Add(FcHeaders.FunctionTimeout, "60");
        });

        Assert.Equal("text/event-stream", outcome.ContentType);
        Assert.Equal("event: ready|data: sse-1", outcome.Ready);
        Assert.Equal("delivered to 1", outcome.Delivered);
        // The message's two lines are two data fields of one event.
        Assert.Equal("event: message|data: hello|data: world", outcome.Message);
        Assert.True(outcome.EndedAfterLast);
        // The web call's frame closes once its stream has ended.
        await function.WaitForOutputAsync("FC Invoke End RequestId: sse-1", TimeSpan.FromSeconds(10));
        Assert.Contains("FC Invoke Start RequestId: sse-1", function.Output);
    }
}
