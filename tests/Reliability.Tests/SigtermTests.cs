using System.Collections.Concurrent;
using System.Net;
using FunctionCompute.StandIns;
using static Reliability.Tests.Invocation;

namespace Reliability.Tests;

/// <summary>FC scales an instance in with SIGTERM while it may be busy: what was accepted completes, then exit 0.</summary>
[Trait("Category", "Reliability")]
public class SigtermTests
{
    [Fact]
    public async Task Sigterm_under_load_lets_every_accepted_invocation_finish_and_exits_0()
    {
        const int sleepers = 60;
        await using var function = await FunctionProcess.StartPackageAsync();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 200 })
        {
            BaseAddress = function.Client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

        var slow = Enumerable.Range(0, sleepers)
            .Select(i => client.SendAsync(Invoke("sleep", """{"milliseconds":2000}""", $"slow-{i}", credentials: ($"STS.slow{i}", $"secret-{i}", $"CAIS-{i}"))))
            .ToArray();
        // Echo traffic keeps arriving while the signal lands.
        using var stopTraffic = new CancellationTokenSource();
        var answered = 0;
        var wrong = new ConcurrentBag<string>();
        var traffic = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; !stopTraffic.IsCancellationRequested; n++)
            {
                var id = $"echo-{worker}-{n}";
                try
                {
                    using var response = await client.SendAsync(Invoke("echo", id, id));
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK && text == id) Interlocked.Increment(ref answered);
                    else wrong.Add($"{id}: {(int)response.StatusCode} {text}");
                }
                catch (HttpRequestException)
                {
                    // Refused after the listener closed: what FC sees from an instance that is stopping.
                    await Task.Delay(10);
                }
            }
        })).ToArray();

        await function.WaitForOutputAsync(output => Enumerable.Range(0, sleepers).All(i => output.Contains($"FC Invoke Start RequestId: slow-{i}\n")),
            $"all {sleepers} sleeps started", TimeSpan.FromSeconds(30));
        function.Terminate();

        foreach (var call in slow)
        {
            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"slept":2000}""", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, await function.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        stopTraffic.Cancel();
        await Task.WhenAll(traffic);

        Assert.Empty(wrong); // an invocation is answered whole or refused, never cut or mixed up
        Assert.True(answered > 0);
        for (var i = 0; i < sleepers; i++) Assert.Contains($"FC Invoke End RequestId: slow-{i}\n", function.Output);
    }
}
