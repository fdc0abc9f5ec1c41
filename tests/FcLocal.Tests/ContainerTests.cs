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

    [Fact]
    public async Task Image_mode_keeps_the_function_on_loopback_too()
    {
        // An image of this worktree's code package (built by scripts/package.sh) on the runtime-deps base: seconds to
        // build, and its own tag, so the runtime in it is the one under test.
        var context = Directory.CreateTempSubdirectory("fc-local-loopback-image-").FullName;
        CopyDirectory(FcLocalProcess.CodeDirectory(), Path.Combine(context, "code"));
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"),
            "FROM mcr.microsoft.com/dotnet/runtime-deps:10.0\nCOPY code /code\nENTRYPOINT [\"/code/bootstrap\"]\n");
        var tag = $"fc-local-loopback-test:{Guid.NewGuid():N}";
        Assert.True(await DockerAsync(TimeSpan.FromMinutes(5), "build", "--network", "host", "-t", tag, context) == 0, $"docker build of {tag} failed");
        try
        {
            await using var process = FcLocalProcess.Start(["start", "--image", tag, "--no-config", "--port", "0", "--credentials", "none"]);
            await process.WaitForStdoutAsync(l => l.Contains("serving http://"), TimeSpan.FromSeconds(120));
            var port = System.Text.RegularExpressions.Regex.Match(process.Stderr, @"FC runtime listening on http://[^:]+:(\d+)").Groups[1].Value;
            Assert.True(port.Length > 0, process.ToString());

            // --network host shares this machine's interfaces: the function must still bind loopback only.
            Assert.Equal([System.Net.IPAddress.Loopback], FunctionCompute.Tests.Shared.ListeningSockets.On(int.Parse(port)));
        }
        finally
        {
            await DockerAsync(TimeSpan.FromMinutes(1), "rmi", "-f", tag);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }
}
