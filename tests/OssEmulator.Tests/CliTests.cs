using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

public sealed partial class CliTests
{
    [GeneratedRegex(@"^OSS emulator listening on (http://127\.0\.0\.1:(\d+)) \(region ([a-z0-9-]+), buckets: (.+)\)$")]
    private static partial Regex ReadyLine();

    /// <summary>The built OssEmulator.dll: copied next to the tests by the ProjectReference, else in its own bin folder.</summary>
    private static string EmulatorDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "OssEmulator.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "OssEmulator.runtimeconfig.json"))) return local;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = dir.Parent!.Name; // bin/<Configuration>/net10.0/
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FunctionCompute.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var built = Path.Combine(dir.FullName, "tools", "OssEmulator", "bin", configuration, "net10.0", "OssEmulator.dll");
        Assert.True(File.Exists(built), $"OssEmulator.dll not found at {local} or {built}");
        return built;
    }

    private static Process Start(IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(EmulatorDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "OSS_EMULATOR_PORT", "OSS_EMULATOR_BUCKETS", "OSS_EMULATOR_ACCESS_KEY_ID", "OSS_EMULATOR_ACCESS_KEY_SECRET", "OSS_EMULATOR_SECURITY_TOKEN", "OSS_EMULATOR_REGION", "OSS_EMULATOR_DATA_DIR" })
        {
            psi.Environment.Remove(name);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    private sealed class Output
    {
        private readonly StringBuilder _all = new();
        public readonly TaskCompletionSource<Match> Ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Output(Process p)
        {
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (_all) _all.AppendLine(e.Data);
                var m = ReadyLine().Match(e.Data);
                if (m.Success) Ready.TrySetResult(m);
            };
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null) lock (_all) _all.AppendLine("stderr: " + e.Data);
            };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
        }

        public string Text
        {
            get { lock (_all) return _all.ToString(); }
        }
    }

    [Fact]
    public async Task RealProcess_ServesOss_AndNeverPrintsSecrets()
    {
        const string secret = "cli-secret-Zq81";
        const string token = "cli-token-Hw42";
        using var p = Start(["--port", "0", "--bucket", "demo-bucket", "--bucket", "b2-bucket", "--access-key-id", "STS.cli", "--access-key-secret", secret,
            "--security-token", token, "--region", "cn-beijing"]);
        var output = new Output(p);
        try
        {
            var ready = await output.Ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("cn-beijing", ready.Groups[3].Value);
            Assert.Equal("demo-bucket, b2-bucket", ready.Groups[4].Value);
            var client = new OssClient(new OssClientOptions { Endpoint = ready.Groups[1].Value, Region = "cn-beijing", UsePathStyle = true },
                new StaticCredentialsProvider(new CloudCredentials("STS.cli", secret, token)));
            await client.PutObjectAsync("demo-bucket", "hello/world.txt", "from the test");
            await using (var get = await client.GetObjectAsync("demo-bucket", "hello/world.txt"))
            {
                Assert.Equal("from the test", Encoding.UTF8.GetString(await get.ReadAllAsync()));
            }

            // A wrong secret is rejected by the real process too; its error text still carries no secret.
            var bad = new OssClient(new OssClientOptions { Endpoint = ready.Groups[1].Value, Region = "cn-beijing", UsePathStyle = true, MaxRetries = 0 },
                new StaticCredentialsProvider(new CloudCredentials("STS.cli", "wrong", token)));
            await AssertFailsAsync(() => bad.HeadObjectAsync("demo-bucket", "hello/world.txt"), 403, "SignatureDoesNotMatch");

            using var health = await Http.GetAsync(ready.Groups[1].Value + "/_emulator/health");
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
            await Task.Delay(200); // let the request log lines arrive
            Assert.Contains("PutObject", output.Text);
            Assert.Contains("STS.cli", output.Text);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        Assert.DoesNotContain(secret, output.Text);
        Assert.DoesNotContain(token, output.Text);
    }

    [Fact]
    public async Task EnvironmentVariables_ConfigureTheProcess()
    {
        using var p = Start(["--port", "0"], new Dictionary<string, string>
        {
            ["OSS_EMULATOR_BUCKETS"] = "env-one, env-two",
            ["OSS_EMULATOR_ACCESS_KEY_ID"] = "AKID-env",
            ["OSS_EMULATOR_ACCESS_KEY_SECRET"] = "env-secret-Pp3",
        });
        var output = new Output(p);
        try
        {
            var ready = await output.Ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("cn-hangzhou", ready.Groups[3].Value);
            Assert.Equal("env-one, env-two", ready.Groups[4].Value);
            var client = new OssClient(new OssClientOptions { Endpoint = ready.Groups[1].Value, Region = "cn-hangzhou", UsePathStyle = true },
                new StaticCredentialsProvider(new CloudCredentials("AKID-env", "env-secret-Pp3")));
            await client.PutObjectAsync("env-two", "k", "v");
            Assert.Single((await client.ListObjectsV2Async("env-two")).Objects);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        Assert.DoesNotContain("env-secret-Pp3", output.Text);
    }

    [Theory]
    [InlineData("bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("--port", "--port", "99999", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("Bad_Bucket", "--bucket", "Bad_Bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("--access-key-secret", "--bucket", "ok-bucket", "--access-key-id", "a")]
    [InlineData("unknown argument", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s", "--frobnicate")]
    public async Task BadArguments_ExitWithCode2AndAClearMessage(string expectedInMessage, params string[] args)
    {
        using var p = Start(args);
        var output = new Output(p);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(timeout.Token);
        p.WaitForExit(); // flush the redirected streams
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("stderr: oss-emulator: error:", output.Text);
        Assert.Contains(expectedInMessage, output.Text);
        Assert.DoesNotContain("listening", output.Text);
    }
}
