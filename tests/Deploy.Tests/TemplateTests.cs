using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Deploy.Tests;

/// <summary>
/// The `dotnet new` templates as a user gets them, outside the repository: everything packed by scripts/pack.sh into a
/// temporary feed, the templates installed into a temporary DOTNET_CLI_HOME, the tools with dotnet tool install; each
/// template instantiated in a temporary directory and the commands of its README run verbatim (dotnet test,
/// ./package.sh with Native AOT, fc-local against the package, for fc-oss the OSS emulator), and its s.yaml rendered by
/// the real Serverless Devs CLI. Slow (restores and an AOT publish per template): a few minutes.
/// </summary>
[Collection("packages")]
[Trait("Category", "Templates")]
public sealed partial class TemplateTests(PackedFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData("fc-event", 4, "\"greeting\":\"Hello, Ada!\"")]
    [InlineData("fc-web", 3, "\"greeting\":\"Hello, Ada!\"")]
    [InlineData("fc-oss", 8, "put oss://demo-bucket/hello.txt (11 bytes)")]
    public async Task The_readme_commands_work_verbatim_in_a_new_project(string template, int tests, string answer)
    {
        var environment = await feed.UserEnvironmentAsync();
        var app = Path.Combine(feed.NewDirectory(template), "HelloFn");
        var clock = Stopwatch.StartNew();
        await Repository.RunAsync("dotnet", Long, environment, "new", template, "-n", "HelloFn", "-o", app, "--feed", feed.Feed, "--functionName", "hello-fn");

        // What a user trips on first: the solution at the root, exec bits, the feed added (not replacing the user's sources).
        Assert.True(File.Exists(Path.Combine(app, "HelloFn.slnx")), "no solution file at the project root");
        foreach (var file in new[] { "package.sh", "bootstrap", "build/package-code.sh", "build/zig-cc" })
            Assert.True(IsExecutable(Path.Combine(app, file)), $"{file} is not executable");
        var nuget = File.ReadAllText(Path.Combine(app, "nuget.config"));
        Assert.DoesNotContain("<clear", nuget);
        Assert.Contains($"value=\"{feed.Feed}\"", nuget);
        // The template references the libraries of its own package version (stamped at pack time).
        Assert.Contains($"Include=\"FunctionCompute.Runtime\" Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(app, "src", "HelloFn", "HelloFn.csproj")));
        Assert.Empty(Fc3Schema.Validate(File.ReadAllText(Path.Combine(app, "s.yaml"))));

        // The README's command block, verbatim but for the fixed local ports (other tests may hold 9000 and 9100).
        var block = ReadmeBlock().Match(File.ReadAllText(Path.Combine(app, "README.md"))).Groups[1].Value;
        Assert.Contains("./package.sh", block);
        var script = block.Replace("9000", Repository.FreePort().ToString()).Replace("9100", Repository.FreePort().ToString());
        var run = await Repository.RunInAsync(app, "bash", Long, environment, "-c",
            "set -e; exec 2>&1; trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + script);
        output.WriteLine($"{template}: from dotnet new to the answer in {clock.Elapsed.TotalSeconds:0} s");
        output.WriteLine(run);

        Assert.Matches($@"Passed!\s+-\s+Failed:\s+0, Passed:\s+{tests},", run);
        Assert.Equal(["HelloFn", "bootstrap"], Directory.GetFiles(Path.Combine(app, "dist", "code")).Select(Path.GetFileName).Order());
        Assert.Contains(answer, run);
        if (template == "fc-oss") Assert.Matches(@"(?m)^success", run);
    }

    [Theory]
    [InlineData("fc-event", "custom.debian12", null)]
    [InlineData("fc-web", "custom.debian10", "http")]
    [InlineData("fc-oss", "custom.debian12", null)]
    public async Task The_s_yaml_renders_with_the_serverless_devs_cli(string template, string runtime, string? trigger)
    {
        var environment = await feed.UserEnvironmentAsync();
        var app = Path.Combine(feed.NewDirectory("s-" + template), "HelloFn");
        await Repository.RunAsync("dotnet", Long, environment, "new", template, "-n", "HelloFn", "-o", app, "--feed", feed.Feed,
            "--functionName", "hello-fn", "--region", "cn-shanghai", "--memory", "1024", "--runtime", runtime, "--dockerfile", "false");

        var props = await SPreview.RenderAsync(app, "s.yaml", "hello-fn");
        Assert.Equal("hello-fn", props.GetProperty("functionName").GetString());
        Assert.Equal("cn-shanghai", props.GetProperty("region").GetString());
        Assert.Equal(1024, props.GetProperty("memorySize").GetInt32());
        Assert.Equal(runtime, props.GetProperty("runtime").GetString());
        Assert.Equal(runtime == "custom.debian10" ? "./dist/code-debian10" : "./dist/code", props.GetProperty("code").GetString());
        Assert.Equal(trigger, props.TryGetProperty("triggers", out var triggers) ? triggers[0].GetProperty("triggerType").GetString() : null);
        if (template == "fc-oss")
        {
            Assert.Equal("oss-put-object", props.GetProperty("handler").GetString());
            Assert.Equal($"acs:ram::{SPreview.AccountId}:role/hello-fn-role", props.GetProperty("role").GetString());
        }
        Assert.False(File.Exists(Path.Combine(app, "Dockerfile")), "--dockerfile false left the Dockerfile in");
        // ./package.sh (what s.yaml's action and the README run) builds for the runtime chosen at creation.
        Assert.Contains($"PACKAGE_TARGET=\"${{PACKAGE_TARGET:-{(runtime == "custom.debian10" ? "debian10" : "debian12")}}}\"", File.ReadAllText(Path.Combine(app, "package.sh")));
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool IsExecutableOnUnix(string path) => (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;

    private static bool IsExecutable(string path) => OperatingSystem.IsWindows() || IsExecutableOnUnix(path);

    [GeneratedRegex(@"```bash\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ReadmeBlock();
}

/// <summary>
/// The real Serverless Devs CLI (npm @serverless-devs/s@3.1.10), installed once into a temporary folder: <c>s preview</c>
/// renders an s.yaml as <c>s deploy</c> would (variables, actions) without a cloud call. Components (fc3) come from a
/// registry that is not needed for preview. An access with made-up keys resolves <c>${config('AccountID')}</c>.
/// </summary>
public static class SPreview
{
    public const string AccountId = "1234567890123456";
    private static readonly string Home = Path.Combine(Path.GetTempPath(), "fc-s-cli-" + Guid.NewGuid().ToString("N")[..8]);
    private static readonly Lazy<Task<string>> Cli = new(InstallAsync);

    private static async Task<string> InstallAsync()
    {
        Directory.CreateDirectory(Home);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Home, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        await Repository.RunInAsync(Home, "npm", TimeSpan.FromMinutes(5), new Dictionary<string, string>(), "install", "--silent", "--no-audit", "--no-fund", "@serverless-devs/s@3.1.10");
        var s = Path.Combine(Home, "node_modules", ".bin", "s");
        await Repository.RunInAsync(Home, s, TimeSpan.FromMinutes(1), Environment(), "config", "add", "--AccessKeyID", "made-up-id",
            "--AccessKeySecret", "made-up-secret", "--AccountID", AccountId, "-a", "default", "-f");
        return s;
    }

    private static Dictionary<string, string> Environment() => new() { ["HOME"] = Home };

    /// <summary>Renders <paramref name="file"/> in <paramref name="directory"/> and returns the props of <paramref name="resource"/>.</summary>
    public static async Task<JsonElement> RenderAsync(string directory, string file, string resource)
    {
        var s = await Cli.Value;
        var rendered = await Repository.RunInAsync(directory, s, TimeSpan.FromMinutes(1), Environment(), "preview", "-t", file, "-o", "json");
        // s prints a warning line (running as root) before the JSON.
        using var json = JsonDocument.Parse(rendered[rendered.IndexOf('{')..]);
        return json.RootElement.GetProperty("resources").GetProperty(resource).GetProperty("props").Clone();
    }
}
