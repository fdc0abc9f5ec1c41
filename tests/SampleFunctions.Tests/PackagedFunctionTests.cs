using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;

namespace SampleFunctions.Tests;

/// <summary>End to end: the code package, started through its bootstrap as a real process, driven over real HTTP.</summary>
public class PackagedFunctionTests
{
    private const string Secret = "e2e-secret-Zm9vYmFyYmF6";
    private const string Token = "e2e-token-CAIS-cXV4cXV1eGNvcmdl";

    private static HttpRequestMessage Invoke(string handler, string body, string requestId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent(body) };
        request.Headers.Add(FcHeaders.ControlPath, "/invoke");
        request.Headers.Add(FcHeaders.FunctionHandler, handler);
        request.Headers.Add(FcHeaders.RequestId, requestId);
        request.Headers.Add(FcHeaders.AccessKeyId, "STS.e2e-key-id");
        request.Headers.Add(FcHeaders.AccessKeySecret, Secret);
        request.Headers.Add(FcHeaders.SecurityToken, Token);
        request.Headers.Add(FcHeaders.FunctionTimeout, "30");
        return request;
    }

    [Fact]
    public async Task The_package_serves_the_contract_on_fc_server_port()
    {
        await using var function = await FunctionProcess.StartPackageAsync(new Dictionary<string, string> { ["FC_REGION"] = "cn-hangzhou" });

        using var echo = await function.Client.SendAsync(Invoke("echo", "hello from FC", "e2e-echo"));
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        Assert.Equal("200", echo.Headers.GetValues(FcHeaders.Status).Single());
        Assert.Equal("hello from FC", await echo.Content.ReadAsStringAsync());

        using var context = await function.Client.SendAsync(Invoke("context", "{}", "e2e-context"));
        using var summary = JsonDocument.Parse(await context.Content.ReadAsStringAsync());
        Assert.Equal("cn-hangzhou", summary.RootElement.GetProperty("region").GetString());
        Assert.True(summary.RootElement.GetProperty("hasSecurityToken").GetBoolean());

        using var fail = await function.Client.SendAsync(Invoke("fail", $"message with {Secret} inside", "e2e-fail"));
        Assert.Equal(HttpStatusCode.NotFound, fail.StatusCode);
        Assert.Equal("404", fail.Headers.GetValues(FcHeaders.Status).Single());
        var failBody = await fail.Content.ReadAsStringAsync();
        Assert.Contains("\"errorType\":\"InvalidOperationException\"", failBody);
        Assert.DoesNotContain(Secret, failBody);

        using var again = await function.Client.SendAsync(Invoke("echo", "still here", "e2e-again"));
        Assert.Equal("still here", await again.Content.ReadAsStringAsync());

        await function.WaitForOutputAsync("FC Invoke End RequestId: e2e-again", TimeSpan.FromSeconds(10));
        var output = function.Output;
        foreach (var id in new[] { "e2e-echo", "e2e-context", "e2e-fail", "e2e-again" })
        {
            Assert.Contains($"FC Invoke Start RequestId: {id}", output);
            Assert.Contains($"FC Invoke End RequestId: {id}", output);
        }
        Assert.Contains("e2e-fail [ERROR]", output);
        Assert.DoesNotContain(Secret, output);
        Assert.DoesNotContain(Token, output);
    }

    [Fact]
    public async Task Sigterm_lets_the_invocation_in_flight_finish_then_exits_0()
    {
        await using var function = await FunctionProcess.StartPackageAsync();

        var inFlight = function.Client.SendAsync(Invoke("sleep", """{"milliseconds":1500}""", "e2e-sleep"));
        await function.WaitForOutputAsync("sleeping 1500 ms", TimeSpan.FromSeconds(10));
        function.Terminate();

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"slept":1500}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await function.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("FC Invoke End RequestId: e2e-sleep", function.Output);

        // Gone for good: nothing listens on the port any more.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, function.Port));
    }

    [Fact]
    public async Task Sigterm_while_idle_exits_0_promptly()
    {
        await using var function = await FunctionProcess.StartPackageAsync();
        function.Terminate();
        Assert.Equal(0, await function.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Theory]
    [InlineData("FC_SERVER_PORT", "ninety", "FC_SERVER_PORT must be a port number")]
    [InlineData("FunctionCompute__ListenAddress", "localhost", "FunctionCompute__ListenAddress must be an IP address")]
    [InlineData("FC_LOG_FORMAT", "jsonl", "FC_LOG_FORMAT must be 'text' or 'json'")]
    public async Task A_malformed_listen_variable_stops_start_up_with_a_clear_message(string name, string value, string message)
    {
        using var process = FunctionProcess.StartPackageProcess(new Dictionary<string, string> { [name] = value });
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(1, process.ExitCode);
        var text = await stderr;
        Assert.Contains(message, text);
        Assert.Contains($"'{value}'", text);
    }

    [Fact]
    public async Task Fc_custom_listen_port_wins_over_fc_server_port()
    {
        var port = Loopback.FreePort();
        var unused = Loopback.FreePort();
        using var process = FunctionProcess.StartPackageProcess(new Dictionary<string, string>
        {
            ["FC_CUSTOM_LISTEN_PORT"] = port.ToString(),
            ["FC_SERVER_PORT"] = unused.ToString(),
        });
        try
        {
            using var client = new HttpClient();
            string? answer = null;
            for (var i = 0; i < 500 && answer is null; i++)
            {
                try { answer = await client.GetStringAsync($"http://127.0.0.1:{port}/"); }
                catch (HttpRequestException) { await Task.Delay(20); }
            }
            Assert.Equal("ready", answer);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }
}
