using System.Text.Json;

namespace Deploy.Tests;

/// <summary>
/// A template's Dockerfile on the real engine, from a project made outside the repository with --runtime custom.debian10:
/// its code package (Native AOT linked against glibc 2.28 by zig cc, the template's own package.sh) built into the image its
/// Dockerfile describes, run with <c>--network host</c> and invoked as FC invokes it.
/// </summary>
[Collection("packages")]
[Trait("Category", "Container")]
public sealed class TemplateContainerTests(PackedFeed feed)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task The_debian10_package_builds_into_the_dockerfiles_image_and_answers()
    {
        var environment = await feed.UserEnvironmentAsync();
        var app = Path.Combine(feed.NewDirectory("docker-fc-event"), "HelloFn");
        await Repository.RunAsync("dotnet", Long, environment, "new", "fc-event", "-n", "HelloFn", "-o", app, "--feed", feed.Feed, "--runtime", "custom.debian10");
        // No PACKAGE_TARGET: package.sh builds for the runtime chosen at creation.
        await Repository.RunInAsync(app, Path.Combine(app, "package.sh"), Long, environment);
        Assert.True(File.Exists(Path.Combine(app, "dist", "code-debian10", "bootstrap")), "package.sh did not build the custom.debian10 package");

        var image = "fc-template-test:" + Guid.NewGuid().ToString("N")[..12];
        await Repository.RunInAsync(app, "docker", Long, new Dictionary<string, string>(), "build", "--network", "host", "--build-arg", "CODE=dist/code-debian10", "-t", image, ".");
        string? container = null;
        try
        {
            var port = Repository.FreePort();
            container = (await Repository.RunAsync("docker", TimeSpan.FromMinutes(1), "run", "-d", "--rm", "--network", "host",
                "-e", $"FC_SERVER_PORT={port}", "-e", "FunctionCompute__ListenAddress=127.0.0.1", image)).Trim();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var body = await InvokeUntilUpAsync(client);
            using var json = JsonDocument.Parse(body);
            Assert.Equal("Hello, Docker!", json.RootElement.GetProperty("greeting").GetString());
            Assert.Equal("docker-request", json.RootElement.GetProperty("requestId").GetString());
        }
        finally
        {
            if (container is not null) await Repository.RunAsync("docker", TimeSpan.FromMinutes(1), "rm", "-f", container);
            await Repository.RunAsync("docker", TimeSpan.FromMinutes(1), "rmi", "-f", image);
        }
    }

    private static async Task<string> InvokeUntilUpAsync(HttpClient client)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent("""{"name":"Docker"}""") };
            request.Headers.Add("x-fc-control-path", "/invoke");
            request.Headers.Add("x-fc-function-handler", "hello");
            request.Headers.Add("x-fc-request-id", "docker-request");
            try
            {
                using var response = await client.SendAsync(request);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException) when (attempt < 200)
            {
                await Task.Delay(100);
            }
        }
    }
}
