using System.Text.Json;
using System.Text.RegularExpressions;

namespace FunctionCompute.FcLocal.Tests;

/// <summary><c>fc-local invoke</c> against the packaged sample function (dist/code/bootstrap), as a real process.</summary>
public class InvokeTests
{
    private static readonly Regex SummaryLine = new(
        @"RequestId: (?<id>[0-9a-f-]{36})  Duration: (?<ms>\d+\.\d\d) ms  Billed Duration: (?<billed>\d+) ms  Memory Size: (?<size>\d+) MB  Max Memory Used: (?<used>\d+\.\d\d) MB");

    private static string[] Invoke(params string[] more) => ["invoke", "--code", FcLocalProcess.CodeDirectory(), "--no-config", .. more];

    [Fact]
    public async Task Echo_prints_the_result_the_log_and_fc_s_summary()
    {
        await using var run = await FcLocalProcess.RunAsync(Invoke("--handler", "echo", "--memory", "256", "--credentials", "none", "-e", "hello fc"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hello fc" + Environment.NewLine, run.Stdout); // the bytes as answered, one line (the capture adds the line end)
        var summary = SummaryLine.Match(run.Stderr);
        Assert.True(summary.Success, run.ToString());
        var requestId = summary.Groups["id"].Value;
        Assert.Equal("256", summary.Groups["size"].Value);
        Assert.True(double.Parse(summary.Groups["used"].Value) > 1, "max memory used comes from /proc and is more than 1 MB");
        Assert.True(long.Parse(summary.Groups["billed"].Value) >= (long)double.Parse(summary.Groups["ms"].Value));
        // The function's own log, with FC's markers for this request id.
        Assert.Contains($"FC Invoke Start RequestId: {requestId}", run.Stderr);
        Assert.Contains($"FC Invoke End RequestId: {requestId}", run.Stderr);
        Assert.DoesNotContain("\u001b[", run.Stdout + run.Stderr); // not a terminal: no colour
    }

    [Fact]
    public async Task Greet_gets_fc_s_headers_and_logs_with_the_request_id()
    {
        await using var run = await FcLocalProcess.RunAsync(Invoke("--handler", "greet", "--function", "dotnet-greet", "--region", "cn-shanghai", "-e", """{"name":"Ada"}"""));
        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal("Hello, Ada!", result.RootElement.GetProperty("greeting").GetString());
        var requestId = result.RootElement.GetProperty("requestId").GetString()!;
        Assert.Matches($@"{requestId} \[INFO\] greeting Ada", run.Stderr);
        Assert.Contains($"RequestId: {requestId}", run.Stderr);
    }

    [Fact]
    public async Task Fail_exits_1_and_shows_the_error_json_readably()
    {
        await using var run = await FcLocalProcess.RunAsync(Invoke("--handler", "fail", "-e", "boom"));
        Assert.True(run.ExitCode == 1, run.ToString());
        using var error = JsonDocument.Parse(run.Stdout);
        Assert.Equal("InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("fail was asked to fail: boom", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.Contains("\n  \"errorMessage\"", run.Stdout); // indented for people
        Assert.Contains("InvalidOperationException: fail was asked to fail: boom", run.Stderr);
        Assert.Matches(SummaryLine, run.Stderr);
        Assert.Contains("FAILED", run.Stderr);
    }

    [Fact]
    public async Task The_event_can_come_from_stdin_or_a_file()
    {
        await using var fromStdin = await FcLocalProcess.RunAsync(Invoke("--handler", "greet", "-e", "-"), stdin: """{"name":"Stdin"}""");
        Assert.True(fromStdin.ExitCode == 0, fromStdin.ToString());
        Assert.Contains("Hello, Stdin!", fromStdin.Stdout);

        var file = Path.Combine(Path.GetTempPath(), $"fc-local-event-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"name":"File"}""");
        try
        {
            await using var fromFile = await FcLocalProcess.RunAsync(Invoke("--handler", "greet", "--event-file", file));
            Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
            Assert.Contains("Hello, File!", fromFile.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Credentials_are_generated_by_default_taken_from_the_default_chain_when_asked_or_left_out()
    {
        async Task<JsonElement> Context(string[] options, IDictionary<string, string?>? env = null)
        {
            await using var run = await FcLocalProcess.RunAsync(Invoke(["--handler", "context", "-e", "{}", .. options]), environment: env);
            Assert.True(run.ExitCode == 0, run.ToString());
            return JsonDocument.Parse(run.Stdout).RootElement.Clone();
        }

        var generated = await Context(["--generated-credentials"]);
        Assert.True(generated.GetProperty("hasCredentials").GetBoolean());
        Assert.True(generated.GetProperty("hasSecurityToken").GetBoolean());
        Assert.StartsWith("STS.", generated.GetProperty("accessKeyIdPrefix").GetString());

        var developerShell = new Dictionary<string, string?>
        {
            ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "LTAIfromtheenvironment",
            ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "env-secret",
        };
        // By default the developer's keys stay out even when they are in fc-local's environment.
        var byDefault = await Context([], developerShell);
        Assert.StartsWith("STS.", byDefault.GetProperty("accessKeyIdPrefix").GetString());

        var fromChain = await Context(["--credentials", "default"], developerShell);
        Assert.True(fromChain.GetProperty("hasCredentials").GetBoolean());
        Assert.StartsWith("LTAI", fromChain.GetProperty("accessKeyIdPrefix").GetString());

        var none = await Context(["--credentials", "none"]);
        Assert.False(none.GetProperty("hasCredentials").GetBoolean());
        Assert.Equal(3, none.GetProperty("functionTimeout").GetInt32()); // fc3's default timeout for custom runtimes
    }

    [Fact]
    public async Task A_failing_initializer_is_an_initialization_error_and_the_invocation_never_runs()
    {
        await using var run = await FcLocalProcess.RunAsync(["invoke", "--code", FcLocalProcess.FaultCodeDirectory(), "--no-config", "--credentials", "none",
            "--initializer", "true", "--env", "FAULT_INITIALIZER=throw", "--handler", "echo", "-e", "never-echoed"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("InitializationError: the initializer failed (it answered 404), so the invocation did not run", run.Stderr);
        Assert.Contains("FC answers the caller 200 with X-Fc-Error-Type: InitializationError", run.Stderr);
        Assert.Contains("InvalidOperationException: the initializer could not load its settings", run.Stderr);
        Assert.Contains("FC Initialize Start RequestId", run.Stderr);
        Assert.DoesNotContain("FC Invoke Start", run.Stderr);
        Assert.DoesNotContain("never-echoed", run.Stdout);
        Assert.Contains("FAILED  RequestId", run.Stderr);
    }

    [Fact]
    public async Task Settings_come_from_s_yaml_with_anchors_vars_and_the_initializer_called_once_first()
    {
        // The shape of the repository's s.yaml (fc3): an anchor merged into a second resource, ${vars.X}, a relative code path.
        var dir = Directory.CreateTempSubdirectory("fc-local-syaml-").FullName;
        var code = Path.GetRelativePath(dir, FcLocalProcess.CodeDirectory());
        await File.WriteAllTextAsync(Path.Combine(dir, "s.yaml"), $$"""
            edition: 3.0.0
            name: fc-local-test
            vars:
              region: cn-shenzhen
            resources:
              echo:
                component: fc3
                props: &event-function
                  region: ${vars.region}
                  functionName: dotnet-echo
                  runtime: custom.debian12
                  code: {{code}}
                  handler: echo
                  memorySize: 1024
                  timeout: 30
                  environmentVariables:
                    TZ: UTC
                  instanceLifecycleConfig:
                    initializer:
                      handler: 'true'
                      timeout: 30
              greet:
                component: fc3
                props:
                  <<: *event-function
                  functionName: dotnet-greet
                  handler: greet
            """);
        // Read from ./s.yaml of the working directory, no --code: the package path comes from `code`.
        await using var run = await FcLocalProcess.RunAsync(["invoke", "--resource", "greet", "--credentials", "none", "-e", """{"name":"Yaml"}"""], workingDirectory: dir);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hello, Yaml!", run.Stdout);
        Assert.Contains("Memory Size: 1024 MB", run.Stderr);
        Assert.Single(Regex.Matches(run.Stderr, "FC Initialize Start RequestId"));
        Assert.Contains("initialized function dotnet-greet in cn-shenzhen", run.Stderr);
        Assert.True(run.Stderr.IndexOf("FC Initialize End", StringComparison.Ordinal) < run.Stderr.IndexOf("FC Invoke Start", StringComparison.Ordinal), run.ToString());

        // Without --resource the first one is used, and fc-local says so; options win over s.yaml.
        await using var first = await FcLocalProcess.RunAsync(["invoke", "--credentials", "none", "--memory", "128", "-e", "plain"], workingDirectory: dir);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("plain" + Environment.NewLine, first.Stdout);
        Assert.Contains("using resource 'echo'", first.Stderr);
        Assert.Contains("Memory Size: 128 MB", first.Stderr);

        await using var unknown = await FcLocalProcess.RunAsync(["invoke", "--resource", "nope", "-e", "x"], workingDirectory: dir);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no resource 'nope'", unknown.Stderr);
    }

    [Fact]
    public async Task Sigterm_during_an_invocation_stops_the_function_too()
    {
        await using var run = FcLocalProcess.Start(Invoke("--handler", "sleep", "--timeout", "60", "--credentials", "none", "-e", """{"milliseconds":20000}"""));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!run.Stderr.Contains("FC Invoke Start") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var port = Regex.Match(run.Stderr, @"FC runtime listening on http://127\.0\.0\.1:(\d+)").Groups[1].Value;
        Assert.NotEmpty(port);

        run.Signal(15);
        await run.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Contains("interrupted", run.Stderr);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync($"http://127.0.0.1:{port}/")); // the function is gone too
    }

    [Theory]
    [InlineData("invoke", "--no-such-option")]
    [InlineData("invoke", "--memory", "lots")]
    [InlineData("invoke", "--env", "NOEQUALS")]
    [InlineData("invoke", "--memory", "0")]
    [InlineData("invoke", "--config", "/nonexistent/s.yaml")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_exit_2_with_a_message(params string[] args)
    {
        var withCode = args[0] == "invoke" ? (string[])[.. args, "--code", FcLocalProcess.CodeDirectory()] : args;
        await using var run = await FcLocalProcess.RunAsync(withCode);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("fc-local:", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task An_event_over_32_MB_is_refused_like_FC_refuses_it_before_any_instance_starts()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fc-local-event-{Guid.NewGuid():N}.bin");
        await using (var stream = File.Create(file)) stream.SetLength(32L * 1024 * 1024 + 1);
        try
        {
            await using var run = await FcLocalProcess.RunAsync(Invoke("--handler", "echo", "--event-file", file));
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("larger than 33554432 bytes", run.Stderr);
            Assert.DoesNotContain("starting", run.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_missing_package_says_to_run_the_package_script()
    {
        var empty = Directory.CreateTempSubdirectory("fc-local-empty-").FullName;
        await using var run = await FcLocalProcess.RunAsync(["invoke", "--code", empty, "-e", "x"]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("scripts/package.sh", run.Stderr);
        Assert.Contains(Path.Combine(empty, "bootstrap"), run.Stderr);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_fc_s_options()
    {
        await using var root = await FcLocalProcess.RunAsync(["--help"]);
        Assert.Equal(0, root.ExitCode);
        Assert.Contains("invoke", root.Stdout);
        Assert.Contains("start", root.Stdout);
        Assert.Contains("fc-local [command] [options]", root.Stdout);
        await using var invoke = await FcLocalProcess.RunAsync(["invoke", "--help"]);
        Assert.Equal(0, invoke.ExitCode);
        foreach (var option in new[] { "--handler", "--memory", "--timeout", "--concurrency", "--initializer", "--env", "--region", "--function", "--config", "--resource", "--image", "--event-file", "--generated-credentials" })
            Assert.Contains(option, invoke.Stdout);
    }
}
