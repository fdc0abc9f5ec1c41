using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionCompute.Tests.Shared;

namespace FunctionCompute.FcLocal.Tests;

/// <summary>
/// fc-local runs the function on the developer's machine, where it may hold keys that sign real requests: the function
/// must listen on loopback only, and by default get none of the developer's credentials. Where the function listens is
/// read from the kernel's socket table; nothing is ever sent to an address other than loopback.
/// </summary>
public class LocalExposureTests
{
    private const string DeveloperKeyId = "LTAIdeveloperkeyfromtheshell";
    private const string DeveloperSecret = "developer-secret-from-the-shell";

    /// <summary>The runtime's own start line, relayed by fc-local: it names the port whatever the address.</summary>
    private static readonly Regex RuntimeListening = new(@"FC runtime listening on http://(?<address>[0-9.:\[\]a-f]+):(?<port>\d+)");

    /// <summary>The developer's shell: long-term keys in the environment, as the default chain's first provider reads them.</summary>
    private static Dictionary<string, string?> DeveloperShell() => new()
    {
        ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = DeveloperKeyId,
        ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = DeveloperSecret,
        ["ALIBABA_CLOUD_ROLE_ARN"] = "acs:ram::1234567890123456:role/developer-admin",
    };

    private static async Task<(FcLocalProcess Process, HttpClient Trigger, int FunctionPort)> StartAsync(IDictionary<string, string?> environment, params string[] more)
    {
        var process = FcLocalProcess.Start(["start", "--code", FcLocalProcess.CodeDirectory(), "--no-config", "--port", "0", "--function", "dotnet-web", .. more],
            environment: environment);
        var line = await process.WaitForStdoutAsync(l => l.Contains("serving http://"), TimeSpan.FromSeconds(30));
        var trigger = new HttpClient { BaseAddress = new Uri(line[line.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0]), Timeout = TimeSpan.FromSeconds(30) };
        var match = RuntimeListening.Match(process.Stderr);
        for (var i = 0; i < 200 && !match.Success; i++)
        {
            await Task.Delay(10);
            match = RuntimeListening.Match(process.Stderr);
        }
        Assert.True(match.Success, "the function's start line did not come through:\n" + process);
        return (process, trigger, int.Parse(match.Groups["port"].Value));
    }

    /// <summary>The function instance's environment as it was started: that of the process listening on its port.</summary>
    private static IReadOnlyDictionary<string, string> FunctionEnvironment(int port) =>
        FcLocalProcess.EnvironmentOf(Assert.Single(ListeningSockets.ProcessesOn(port)));

    [Fact]
    public async Task The_function_listens_on_loopback_only_and_by_default_gets_none_of_the_developers_keys()
    {
        var (process, trigger, port) = await StartAsync(DeveloperShell());
        await using var _ = process;
        using var __ = trigger;

        // Bound to 127.0.0.1 and nothing else: no other host of the network can connect to it. fc-local says so.
        Assert.Equal([IPAddress.Loopback], ListeningSockets.On(port));
        Assert.Contains($"on http://127.0.0.1:{port} (loopback only)", process.Stderr);

        var environment = FunctionEnvironment(port);
        Assert.Equal("127.0.0.1", environment["FunctionCompute__ListenAddress"]);
        Assert.Equal("true", environment["OSS_ALLOW_LOOPBACK_ENDPOINTS"]);
        Assert.DoesNotContain(environment.Values, value => value.Contains(DeveloperKeyId, StringComparison.Ordinal) || value.Contains(DeveloperSecret, StringComparison.Ordinal));
        Assert.False(environment.ContainsKey("ALIBABA_CLOUD_ROLE_ARN"));
        // The function's own default chain cannot reach the developer's CLI profile, credentials file or instance role either.
        Assert.Equal("true", environment["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"]);
        Assert.Equal("true", environment["ALIBABA_CLOUD_ECS_METADATA_DISABLED"]);
        // Generated credentials instead, in the environment and in each request's headers.
        Assert.StartsWith("STS.fclocal", environment["ALIBABA_CLOUD_ACCESS_KEY_ID"]);
        using var whoami = JsonDocument.Parse(await trigger.GetStringAsync("/whoami"));
        Assert.StartsWith("STS.", whoami.RootElement.GetProperty("accessKeyIdPrefix").GetString());
        Assert.DoesNotContain(DeveloperKeyId, process.Stdout + process.Stderr);
    }

    [Fact]
    public async Task The_developers_keys_reach_the_function_only_when_asked_for_and_the_users_env_wins_the_loopback_opt_in()
    {
        var (process, trigger, port) = await StartAsync(DeveloperShell(), "--credentials", "default", "--env", "OSS_ALLOW_LOOPBACK_ENDPOINTS=false",
            "--env", "FunctionCompute__ListenAddress=0.0.0.0");
        await using var _ = process;
        using var __ = trigger;

        // Even when the developer's own keys are in it and --env asks for every interface.
        Assert.Equal([IPAddress.Loopback], ListeningSockets.On(port));
        var environment = FunctionEnvironment(port);
        Assert.Equal(DeveloperKeyId, environment["ALIBABA_CLOUD_ACCESS_KEY_ID"]);
        Assert.Equal("false", environment["OSS_ALLOW_LOOPBACK_ENDPOINTS"]);
        Assert.Equal("127.0.0.1", environment["FunctionCompute__ListenAddress"]);
        Assert.Contains("FunctionCompute__ListenAddress=0.0.0.0 from --env/s.yaml is ignored", process.Stderr);
        Assert.DoesNotContain(DeveloperSecret, process.Stdout + process.Stderr);
    }

    [Theory]
    [InlineData("POST", "/invoke")]
    [InlineData("POST", "/initialize")]
    [InlineData("GET", "/pre-stop")]
    public async Task A_trigger_caller_reaches_no_event_handler_or_hook_of_the_web_function(string method, string path)
    {
        var (process, trigger, _) = await StartAsync(new Dictionary<string, string?>(), "--handler", "sleep", "--pre-stop", "true");
        await using var _ = process;
        using var __ = trigger;

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent("""{"milliseconds":1}""");
        using var response = await trigger.SendAsync(request);

        // The sample app maps none of these paths: its own empty 404, not the sleep handler's result or a hook's 200.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("FC PreStop Start", process.Stderr);
        Assert.DoesNotContain("FC Initialize Start", process.Stderr);
    }
}
