using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Deploy.Tests;

/// <summary>
/// The `dotnet new` templates as a user gets them: scripts/pack-templates.sh packs the runtime into a folder feed
/// and the templates into a package; the package is installed into a temporary hive, each template instantiated
/// outside the repository against that feed, its tests run, packaged with its package.sh (Native AOT), and the
/// package started as FC starts it and called. Slow (restores, an AOT publish per template): a few minutes.
/// </summary>
[Trait("Category", "Templates")]
public sealed class TemplateTests(TemplatePack pack) : IClassFixture<TemplatePack>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(8);

    [Theory]
    [InlineData("fc-event", 2)]
    [InlineData("fc-web", 3)]
    public async Task The_template_builds_tests_packages_and_answers(string template, int testCount)
    {
        var app = Path.Combine(pack.Work, template, "HelloFn");
        await Repository.RunAsync("dotnet", Long, "new", template, "-n", "HelloFn", "-o", app,
            "--feed", pack.Feed, "--runtimeVersion", pack.Version, "--functionName", "hello-fn", "--debug:custom-hive", pack.Hive);

        foreach (var file in new[] { "src/HelloFn/HelloFn.csproj", "src/HelloFn/App.cs", "tests/HelloFn.Tests/HelloFn.Tests.csproj",
                                     "bootstrap", "package.sh", "s.yaml", "Dockerfile", "README.md", "nuget.config" })
            Assert.True(File.Exists(Path.Combine(app, file)), $"the template did not write {file}");
        Assert.Contains("exec ./HelloFn", File.ReadAllText(Path.Combine(app, "bootstrap")));
        Assert.Contains($"Version=\"{pack.Version}\"", File.ReadAllText(Path.Combine(app, "src", "HelloFn", "HelloFn.csproj")));
        var yaml = File.ReadAllText(Path.Combine(app, "s.yaml"));
        Assert.Empty(Fc3Schema.Validate(yaml));
        Assert.Contains("functionName: hello-fn", yaml);

        var tests = await Repository.RunAsync("dotnet", Long, "test", Path.Combine(app, "tests", "HelloFn.Tests"), "-nologo");
        Assert.Matches($@"Passed!\s+-\s+Failed:\s+0, Passed:\s+{testCount},", tests);

        await Repository.RunAsync("bash", Long, Path.Combine(app, "package.sh"));
        var code = Path.Combine(app, "dist", "code");
        Assert.Equal(["HelloFn", "bootstrap"], Directory.GetFiles(code).Select(Path.GetFileName).Order());
        using (var zip = ZipFile.OpenRead(Path.Combine(app, "dist", "code.zip")))
            foreach (var entry in zip.Entries)
                Assert.True(((entry.ExternalAttributes >> 16) & 0b001_001_001) == 0b001_001_001, $"{entry.FullName} is not executable in code.zip");

        // Started as FC starts it (bootstrap, FC_SERVER_PORT), then called as FC calls an event or a web function.
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(code, "bootstrap")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["FC_SERVER_PORT"] = port.ToString();
        using var process = Process.Start(start)!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var body = await CallUntilUpAsync(process, () =>
            {
                if (template == "fc-web") return client.GetAsync("/hello?name=Ada");
                var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent("""{"name":"Ada"}""") };
                request.Headers.Add("x-fc-function-handler", "hello");
                return client.SendAsync(request);
            });
            using var json = JsonDocument.Parse(body);
            Assert.Equal("Hello, Ada!", json.RootElement.GetProperty("greeting").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<string> CallUntilUpAsync(Process process, Func<Task<HttpResponseMessage>> call)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await call();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException) when (started.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>scripts/pack-templates.sh into a temporary folder, and the template package installed into a temporary hive.</summary>
public sealed class TemplatePack : IAsyncLifetime
{
    public string Work { get; } = Path.Combine(Path.GetTempPath(), "fc-templates-" + Guid.NewGuid().ToString("N")[..8]);
    // A version of its own per run: the global NuGet cache never serves a stale runtime package to the test.
    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
    public string Feed => Path.Combine(Work, "feed");
    public string Hive => Path.Combine(Work, "hive");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Work);
        await Repository.RunAsync("bash", TimeSpan.FromMinutes(8),
            new Dictionary<string, string> { ["FEED_DIR"] = Feed, ["TEMPLATES_DIR"] = Path.Combine(Work, "templates"), ["RUNTIME_VERSION"] = Version },
            Path.Combine(Repository.Root, "scripts", "pack-templates.sh"));
        var templates = Directory.GetFiles(Path.Combine(Work, "templates"), "FunctionCompute.Templates.*.nupkg").Single();
        await Repository.RunAsync("dotnet", TimeSpan.FromMinutes(2), "new", "install", templates, "--debug:custom-hive", Hive);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var package in new[] { "functioncompute.runtime", "functioncompute.credentials" })
            {
                var dir = Path.Combine(cache, package, Version);
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}
