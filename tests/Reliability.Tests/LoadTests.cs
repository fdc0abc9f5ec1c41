using System.Collections.Concurrent;
using System.Net;
using System.Text;
using FunctionCompute.OssEmulator;
using FunctionCompute.StandIns;
using static Reliability.Tests.Invocation;

namespace Reliability.Tests;

/// <summary>
/// The code package (dist/code/bootstrap, Native AOT) at FC's maximum instance concurrency: 200 callers at once, each
/// invocation with its own STS credentials. Counts are fixed, so the run is bounded; nothing may be lost or crossed.
/// </summary>
[Trait("Category", "Reliability")]
public class LoadTests
{
    private const int Callers = 200;

    private static HttpClient ConcurrentClient(FunctionProcess function) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = Callers, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = function.Client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };

    [Fact]
    public async Task Two_hundred_callers_with_their_own_credentials_write_to_oss_and_nothing_is_lost_or_crossed()
    {
        const int perCaller = 10;
        var options = new OssEmulatorOptions();
        options.Buckets.Add("load-bucket");
        await using var oss = await OssEmulatorServer.StartAsync(options);
        // The local OSS checks every request's V4 signature and token: a request signed with another caller's
        // secret, or carrying another caller's token, is refused, so a crossed credential cannot pass unseen.
        var credentials = Enumerable.Range(0, Callers * perCaller)
            .Select(i => new EmulatorCredential($"STS.load{i:D5}", $"secret-{i:D5}-{Guid.NewGuid():N}", $"CAIS-token-{i:D5}-{Guid.NewGuid():N}"))
            .ToArray();
        foreach (var credential in credentials) oss.AddCredential(credential);
        await using var function = await FunctionProcess.StartPackageAsync(LocalOss.Environment());
        using var client = ConcurrentClient(function);

        var failures = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var n = 0; n < perCaller; n++)
            {
                var i = caller * perCaller + n;
                var c = credentials[i];
                var body = $$"""{"endpoint":"{{oss.Endpoint}}","bucket":"load-bucket","objectName":"load/{{i}}.txt","message":"written by {{c.AccessKeyId}}"}""";
                using var response = await client.SendAsync(Invoke("oss-put-object", body, $"load-{i}", credentials: (c.AccessKeyId, c.AccessKeySecret, c.SecurityToken!)));
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || text != "success") failures.Add($"load-{i}: {(int)response.StatusCode} {text}");
            }
        })));

        Assert.True(failures.IsEmpty, $"{failures.Count} failed, e.g. " + string.Join("\n", failures.Take(3)));
        Assert.Equal(Callers * perCaller, oss.Objects.Count);
        for (var i = 0; i < credentials.Length; i++)
        {
            var stored = oss.Objects.Get("load-bucket", $"load/{i}.txt");
            Assert.NotNull(stored);
            Assert.Equal(credentials[i].AccessKeyId, stored.WrittenBy);
            Assert.Equal($"written by {credentials[i].AccessKeyId}", Encoding.UTF8.GetString(oss.Objects.ReadAllBytes("load-bucket", $"load/{i}.txt")));
        }

        // Every invocation is framed in the log, once, and no secret or token is in it.
        await function.WaitForOutputAsync($"FC Invoke End RequestId: load-{credentials.Length - 1}", TimeSpan.FromSeconds(10));
        var output = function.Output;
        for (var i = 0; i < credentials.Length; i++)
        {
            Assert.Contains($"FC Invoke Start RequestId: load-{i}\n", output);
            Assert.Contains($"FC Invoke End RequestId: load-{i}\n", output);
        }
        Assert.DoesNotContain("secret-", output);
        Assert.DoesNotContain("CAIS-token-", output);
    }

    [Fact]
    public async Task Memory_stays_flat_across_rounds_of_two_hundred_concurrent_callers()
    {
        const int rounds = 6, perCallerPerRound = 25;
        // Workstation GC: server GC's dynamic adaptation (DATAS) adds a heap when timing says so, which moves RSS by
        // 10-15 MiB in whichever round it happens (33, 35, 46, 52, 49, 49, 41, 41 MiB with the default; the build before
        // stayed flat at 38 by timing alone). A leak is a leak under either GC; with a fixed one it shows as growth.
        await using var function = await FunctionProcess.StartPackageAsync(new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" });
        using var client = ConcurrentClient(function);
        var resident = new List<long>();
        var payload = new string('e', 1024);

        for (var round = 0; round < rounds; round++)
        {
            var wrong = 0;
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
            {
                for (var n = 0; n < perCallerPerRound; n++)
                {
                    var id = $"r{round}-c{caller}-n{n}";
                    using var response = await client.SendAsync(Invoke("echo", id + payload, id,
                        credentials: ($"STS.{id}", $"secret-{id}", $"CAIS-{id}")));
                    if (await response.Content.ReadAsStringAsync() != id + payload) Interlocked.Increment(ref wrong);
                }
            })));
            Assert.Equal(0, wrong);
            resident.Add(function.ResidentBytes());
        }

        // The first round warms pools, the AOT code pages and the GC budget; after it, 20,000 more invocations must not
        // move resident memory by more than a few MiB (a leak of 1 KiB each would be 20 MiB).
        var growth = resident[^1] - resident[1];
        Assert.True(growth < 12L * 1024 * 1024, "RSS per round (MiB): " + string.Join(", ", resident.Select(r => r / 1048576)));
    }
}
