using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Deploy.Tests;

/// <summary>
/// Each code package run the way FC runs it, in the Debian it is for: the package mounted read-only at /code,
/// <c>/code/bootstrap</c> started with <c>FC_SERVER_PORT</c>, then an <c>echo</c> invocation over loopback.
/// debian10's package runs in bullseye (glibc 2.31), the oldest image here; the symbol check holds it to 2.28.
/// </summary>
[Trait("Category", "Container")]
public sealed class ContainerRunTests
{
    [Theory]
    [InlineData("debian12")]
    [InlineData("debian10")]
    public async Task The_package_answers_an_echo_invocation_in_its_debian(string target)
    {
        var package = CodePackage.Named(target);
        var dir = Repository.Package(package);
        var port = FreePort();
        var id = (await Repository.RunAsync("docker", TimeSpan.FromMinutes(2),
            "run", "-d", "--network", "host", "-v", $"{dir}:/code:ro", "-e", $"FC_SERVER_PORT={port}", "-e", "FC_FUNC_CODE_PATH=/code",
            package.Image, "/code/bootstrap")).Trim();
        try
        {
            var started = Stopwatch.StartNew();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            string? answer = null;
            while (answer is null)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent($"hello from {package.Image}") };
                    // The sample app also maps web endpoints: only FC's control-path header makes /invoke an event call.
                    request.Headers.Add("x-fc-control-path", "/invoke");
                    request.Headers.Add("x-fc-function-handler", "echo");
                    request.Headers.Add("x-fc-request-id", "deploy-test");
                    using var response = await client.SendAsync(request);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    answer = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException) when (started.Elapsed < TimeSpan.FromSeconds(30))
                {
                    if (started.Elapsed > TimeSpan.FromSeconds(1) && !await IsRunningAsync(id))
                        Assert.Fail($"{package.Runtime} package exited in {package.Image} before answering:\n{await LogsAsync(id)}");
                    await Task.Delay(50);
                }
                catch (HttpRequestException e)
                {
                    throw new TimeoutException($"{package.Runtime} package did not answer in {package.Image}:\n{await LogsAsync(id)}", e);
                }
            }
            Assert.Equal($"hello from {package.Image}", answer);
            var logs = await LogsAsync(id);
            Assert.Contains("FC Invoke Start RequestId: deploy-test", logs);
            Assert.DoesNotContain("GLIBC", logs);
        }
        finally
        {
            await Repository.RunAsync("docker", TimeSpan.FromMinutes(1), "rm", "-f", id);
        }
    }

    private static async Task<bool> IsRunningAsync(string id) =>
        (await Repository.RunAsync("docker", TimeSpan.FromSeconds(30), "inspect", "-f", "{{.State.Running}}", id)).Trim() == "true";

    private static async Task<string> LogsAsync(string id)
    {
        var start = new ProcessStartInfo("docker", ["logs", id]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var text = new StringBuilder(await process.StandardOutput.ReadToEndAsync()).Append(await process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync();
        return text.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
