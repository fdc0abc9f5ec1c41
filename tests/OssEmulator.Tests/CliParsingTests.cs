using System.Net;

namespace FunctionCompute.OssEmulator.Tests;

/// <summary>The emulator's command line (System.CommandLine), run in process: options, OSS_EMULATOR_* variables, help, usage errors.</summary>
public sealed class CliParsingTests
{
    private static readonly string[] EnvNames =
        ["OSS_EMULATOR_PORT", "OSS_EMULATOR_BUCKETS", "OSS_EMULATOR_ACCESS_KEY_ID", "OSS_EMULATOR_ACCESS_KEY_SECRET", "OSS_EMULATOR_SECURITY_TOKEN", "OSS_EMULATOR_REGION", "OSS_EMULATOR_DATA_DIR"];

    private sealed class Run
    {
        public int ExitCode;
        public OssEmulatorOptions? Options;
        public bool Quiet;
        public readonly StringWriter Out = new(), Error = new();
    }

    private static async Task<Run> RunAsync(string[] args, Dictionary<string, string>? env = null)
    {
        var run = new Run();
        run.ExitCode = await EmulatorCli.RunAsync(args, name => env?.GetValueOrDefault(name), run.Out, run.Error, (options, quiet, _) =>
        {
            run.Options = options;
            run.Quiet = quiet;
            return Task.FromResult(EmulatorCli.Success);
        });
        return run;
    }

    [Fact]
    public async Task EveryOptionSetsItsSetting()
    {
        var run = await RunAsync(["--port", "0", "--bucket", "one-bucket", "--bucket", "two-bucket", "--access-key-id", "STS.id", "--access-key-secret", "s3cr3t",
            "--security-token", "tok", "--region", "cn-beijing", "--data-dir", "/tmp/oss-data", "--listen", "::1", "--quiet"]);
        Assert.Equal(0, run.ExitCode);
        var o = Assert.IsType<OssEmulatorOptions>(run.Options);
        Assert.Equal(0, o.Port);
        Assert.Equal(["one-bucket", "two-bucket"], o.Buckets);
        var credential = Assert.Single(o.Credentials);
        Assert.Equal(("STS.id", "s3cr3t", "tok"), (credential.AccessKeyId, credential.AccessKeySecret, credential.SecurityToken));
        Assert.Equal("cn-beijing", o.Region);
        Assert.Equal("/tmp/oss-data", o.DataDirectory);
        Assert.Equal(IPAddress.IPv6Loopback, o.ListenAddress);
        Assert.True(run.Quiet);
        Assert.Equal("", run.Error.ToString());
    }

    [Fact]
    public async Task DefaultsArePort9100LoopbackCnHangzhouInMemoryAndLogging()
    {
        var run = await RunAsync(["--bucket", "b-1", "--access-key-id", "id", "--access-key-secret", "s"]);
        var o = Assert.IsType<OssEmulatorOptions>(run.Options);
        Assert.Equal((9100, "cn-hangzhou", (string?)null), (o.Port, o.Region, o.DataDirectory));
        Assert.Equal(IPAddress.Loopback, o.ListenAddress);
        Assert.False(run.Quiet);
    }

    [Fact]
    public async Task TheEnvironmentVariablesSetWhatTheOptionsLeaveOut()
    {
        var env = new Dictionary<string, string>
        {
            ["OSS_EMULATOR_PORT"] = "9200",
            ["OSS_EMULATOR_BUCKETS"] = " env-one , env-two ,",
            ["OSS_EMULATOR_ACCESS_KEY_ID"] = "STS.env",
            ["OSS_EMULATOR_ACCESS_KEY_SECRET"] = "env-secret",
            ["OSS_EMULATOR_SECURITY_TOKEN"] = "env-token",
            ["OSS_EMULATOR_REGION"] = "eu-central-1",
            ["OSS_EMULATOR_DATA_DIR"] = "/tmp/env-data",
        };
        Assert.Equal(EnvNames.Order(), env.Keys.Order());
        var o = Assert.IsType<OssEmulatorOptions>((await RunAsync([], env)).Options);
        Assert.Equal((9200, "eu-central-1", "/tmp/env-data"), (o.Port, o.Region, o.DataDirectory));
        Assert.Equal(["env-one", "env-two"], o.Buckets);
        var credential = Assert.Single(o.Credentials);
        Assert.Equal(("STS.env", "env-secret", "env-token"), (credential.AccessKeyId, credential.AccessKeySecret, credential.SecurityToken));
    }

    [Fact]
    public async Task AnOptionWinsOverItsVariable()
    {
        var env = new Dictionary<string, string> { ["OSS_EMULATOR_PORT"] = "9200", ["OSS_EMULATOR_BUCKETS"] = "env-bucket", ["OSS_EMULATOR_REGION"] = "eu-central-1" };
        var o = Assert.IsType<OssEmulatorOptions>(
            (await RunAsync(["--port=9300", "--bucket", "cli-bucket", "--region", "cn-shanghai", "--access-key-id", "id", "--access-key-secret", "s"], env)).Options);
        Assert.Equal((9300, "cn-shanghai"), (o.Port, o.Region));
        Assert.Equal(["cli-bucket"], o.Buckets);
    }

    [Fact]
    public async Task TheKeyIdAsAnOptionAndTheSecretAndTokenFromTheEnvironmentMakeOneCredentialAsScriptsRunShDoes()
    {
        var env = new Dictionary<string, string> { ["OSS_EMULATOR_ACCESS_KEY_SECRET"] = "from-env", ["OSS_EMULATOR_SECURITY_TOKEN"] = "token-env" };
        var o = Assert.IsType<OssEmulatorOptions>((await RunAsync(["--bucket", "ok-bucket", "--access-key-id", "STS.run"], env)).Options);
        var credential = Assert.Single(o.Credentials);
        Assert.Equal(("STS.run", "from-env", "token-env"), (credential.AccessKeyId, credential.AccessKeySecret, credential.SecurityToken));
    }

    [Theory]
    [InlineData("unknown argument '--frobnicate'", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s", "--frobnicate")]
    [InlineData("unknown argument 'stray'", "stray", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("'--port'", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s", "--port")]
    [InlineData("--port must be a number between 0 and 65535, not '65536'", "--port", "65536", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("--port must be a number between 0 and 65535, not '-1'", "--port=-1", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("at least one --bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("'Bad_Bucket' is not a valid bucket name", "--bucket", "Bad_Bucket", "--access-key-id", "a", "--access-key-secret", "s")]
    [InlineData("no credentials", "--bucket", "ok-bucket")]
    [InlineData("--security-token needs --access-key-id", "--bucket", "ok-bucket", "--security-token", "t")]
    [InlineData("--region must be a region id", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s", "--region", "oss-cn-hangzhou")]
    [InlineData("--listen must be an IP address, not 'localhost'", "--bucket", "ok-bucket", "--access-key-id", "a", "--access-key-secret", "s", "--listen", "localhost")]
    public async Task UsageErrorsExitWith2AndSayWhatIsWrong(string expected, params string[] args)
    {
        var run = await RunAsync(args);
        Assert.Equal(EmulatorCli.UsageError, run.ExitCode);
        Assert.Null(run.Options); // the server was not started
        var error = run.Error.ToString();
        Assert.StartsWith("oss-emulator: error: ", error);
        Assert.Contains(expected, error);
        Assert.Contains("Run 'oss-emulator --help' for usage.", error);
        Assert.Equal("", run.Out.ToString());
    }

    [Fact]
    public async Task AUsageErrorNeverEchoesTheSecret()
    {
        var run = await RunAsync(["--bucket", "ok-bucket", "--access-key-secret", "do-not-print-me"]);
        Assert.Equal(EmulatorCli.UsageError, run.ExitCode);
        Assert.Contains("--access-key-secret was given without --access-key-id", run.Error.ToString());
        Assert.DoesNotContain("do-not-print-me", run.Error.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public async Task HelpListsEveryOptionWithItsVariableAndStartsNothing(string flag)
    {
        var run = await RunAsync([flag]);
        Assert.Equal(0, run.ExitCode);
        Assert.Null(run.Options);
        var help = run.Out.ToString();
        foreach (var option in new[] { "--port", "--bucket", "--access-key-id", "--access-key-secret", "--security-token", "--credentials-file", "--region", "--data-dir", "--listen", "--quiet" })
        {
            Assert.Contains(option, help);
        }

        foreach (var name in EnvNames) Assert.Contains(name, help);
        Assert.Contains("/_emulator/faults", help);
    }

    [Fact]
    public async Task ACredentialsFileAddsItsEntries()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oss-emulator-credentials-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            [{"accessKeyId": "AK-1", "accessKeySecret": "secret-1"},
             {"accessKeyId": "STS.2", "accessKeySecret": "secret-2", "securityToken": "token-2", "expiration": "2030-01-01T00:00:00Z"}]
            """);
        try
        {
            var o = Assert.IsType<OssEmulatorOptions>((await RunAsync(["--bucket", "ok-bucket", "--credentials-file", path])).Options);
            Assert.Equal(["AK-1", "STS.2"], o.Credentials.Select(c => c.AccessKeyId));
            Assert.Equal("token-2", o.Credentials[1].SecurityToken);
            Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), o.Credentials[1].Expiration);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ABrokenCredentialsFileIsAUsageErrorThatDoesNotQuoteIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oss-emulator-credentials-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """[{"accessKeyId": "AK-1", "accessKeySecret": "leaked-secret" """);
        try
        {
            var run = await RunAsync(["--bucket", "ok-bucket", "--credentials-file", path]);
            Assert.Equal(EmulatorCli.UsageError, run.ExitCode);
            Assert.Contains("is not a JSON array of credentials", run.Error.ToString());
            Assert.DoesNotContain("leaked-secret", run.Error.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
