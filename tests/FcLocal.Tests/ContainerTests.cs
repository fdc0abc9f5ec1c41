using System.Diagnostics;

namespace FunctionCompute.FcLocal.Tests;

/// <summary><c>--image</c>: the container image run with <c>docker run --network host</c>. Needs a Docker engine.</summary>
[Trait("Category", "Container")]
public class ContainerTests
{
    private const string Image = "fc-dotnet-samples:test";

    private static async Task EnsureImageAsync()
    {
        if (await DockerAsync(TimeSpan.FromSeconds(20), "image", "inspect", Image) == 0) return;
        Assert.True(await DockerAsync(TimeSpan.FromMinutes(15), "build", "--network", "host", "-t", Image, FcLocalProcess.RepositoryRoot()) == 0, $"docker build of {Image} failed");
    }

    private static async Task<int> DockerAsync(TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    [Fact]
    public async Task Invoke_runs_the_image_and_reports_docker_stats_memory()
    {
        await EnsureImageAsync();
        await using var run = await FcLocalProcess.RunAsync(["invoke", "--image", Image, "--no-config", "--handler", "greet", "--credentials", "none", "-e", """{"name":"Container"}"""]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hello, Container!", run.Stdout);
        Assert.Matches(@"Max Memory Used: \d+\.\d\d MB", run.Stderr);
        Assert.Contains("FC Invoke Start RequestId", run.Stderr);
    }
}
