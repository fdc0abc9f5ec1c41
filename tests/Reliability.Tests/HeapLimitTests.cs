using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using static Reliability.Tests.Invocation;

namespace Reliability.Tests;

/// <summary>
/// The finding, replayed on a real process under a 200 MB heap limit: callers that declare a 32 MB event and send
/// one byte used to make the runtime allocate 32 MB each before a byte came, and six of them made a real 16 MB call
/// fail. The event buffer now grows with what arrives.
/// </summary>
[Trait("Category", "Reliability")]
public class HeapLimitTests
{
    [Fact]
    public async Task Six_callers_declaring_32_mb_and_sending_one_byte_do_not_starve_a_real_16_mb_call()
    {
        await using var function = await FaultApp.StartAsync(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0xC800000" });
        var holders = new List<Socket>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                holders.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, function.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes("POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-control-path: /invoke\r\n" +
                    $"x-fc-function-handler: echo\r\nx-fc-request-id: hold-{i}\r\nContent-Length: {32 * 1024 * 1024}\r\n\r\nx"));
            }
            // Every holder's invocation has started (its buffer is in place) and waits for the rest of its event.
            for (var i = 0; i < 6; i++) await function.WaitForOutputAsync($"FC Invoke Start RequestId: hold-{i}", TimeSpan.FromSeconds(30));

            var payload = RandomNumberGenerator.GetBytes(16 * 1024 * 1024);
            using var response = await function.Client.SendAsync(Invoke("echo", new ByteArrayContent(payload), "real-16mb"));

            var echoed = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(echoed.AsSpan(0, Math.Min(400, echoed.Length)))}");
            Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
        }
        finally
        {
            foreach (var socket in holders) socket.Dispose();
        }
        await AssertStillServes(function.Client, "after-holders");
    }
}
