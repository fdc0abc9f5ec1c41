using System.Text.Json;
using FunctionCompute.Credentials;
using FunctionCompute.Events;
using FunctionCompute.StandIns;
using Microsoft.AspNetCore.Builder;
using SampleFunctions.Credentials;

namespace SampleFunctions.Tests;

/// <summary>Runs alone: its tests switch the process-wide variables the in-process samples read.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SampleEnvironmentCollection
{
    public const string Name = "Sample environment variables";
}

/// <summary>
/// The samples send signed requests carrying the invocation's STS token, so an endpoint that is not Alibaba Cloud OSS over
/// https is refused before anything leaves the process. The witness is a loopback listener that counts connections: for a
/// refused endpoint it must count none (no DNS, no connect), and the answer is FC's function error (InvalidEventException).
/// </summary>
[Collection(SampleEnvironmentCollection.Name)]
public sealed class EndpointPolicySampleTests : IAsyncLifetime
{
    private const string Bucket = "policy-bucket";
    private static readonly string[] Variables =
    [
        LocalRuns.AllowLoopbackVariable, "OSS_ENDPOINT", LocalRuns.StsEndpointVariable, CredentialsEnvironmentVariables.AccessKeyId,
        CredentialsEnvironmentVariables.AccessKeySecret, CredentialsEnvironmentVariables.EcsMetadataDisabled,
    ];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private CountingListener _listener = null!;
    private FunctionCompute.Testing.FcTestServer _app = null!;
    private HttpClient _client = null!;

    public static TheoryData<string> Samples =>
        ["oss-put-object", "oss-get-object", "oss-list-objects", "oss-list-default-chain", "oss-cross-account-put", "oss-uppercase-on-upload"];

    public async Task InitializeAsync()
    {
        _listener = CountingListener.Start();
        // Even a sample that got past the endpoint check could only reach STS on the listener (and not over http without the opt-in).
        Environment.SetEnvironmentVariable(LocalRuns.StsEndpointVariable, _listener.HttpEndpoint);
        Environment.SetEnvironmentVariable("OSS_ENDPOINT", null);
        Environment.SetEnvironmentVariable(LocalRuns.AllowLoopbackVariable, null);
        // oss-list-default-chain finds these first, so its chain never looks further (no metadata service call).
        Environment.SetEnvironmentVariable(CredentialsEnvironmentVariables.AccessKeyId, "LTAI-policy-test");
        Environment.SetEnvironmentVariable(CredentialsEnvironmentVariables.AccessKeySecret, "policy-test-secret");
        Environment.SetEnvironmentVariable(CredentialsEnvironmentVariables.EcsMetadataDisabled, "true");
        (_app, _client) = await InProcessSampleApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _listener.DisposeAsync();
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }

    private static void OptIn(bool on) => Environment.SetEnvironmentVariable(LocalRuns.AllowLoopbackVariable, on ? "true" : null);

    /// <summary>The sample's event naming <paramref name="endpoint"/> (the trigger sample takes it from OSS_ENDPOINT, set here).</summary>
    private static string EventFor(string handler, string endpoint, string? region = null, string? triggerRegion = "cn-hangzhou")
    {
        var regionField = region is null ? "" : $",\"region\":{JsonSerializer.Serialize(region)}";
        var e = JsonSerializer.Serialize(endpoint);
        switch (handler)
        {
            case "oss-put-object":
                return $$"""{"endpoint":{{e}},"bucket":"{{Bucket}}","objectName":"k.txt","message":"m"{{regionField}}}""";
            case "oss-get-object":
                return $$"""{"endpoint":{{e}},"bucket":"{{Bucket}}","objectName":"k.txt"{{regionField}}}""";
            case "oss-list-objects" or "oss-list-default-chain":
                return $$"""{"endpoint":{{e}},"bucket":"{{Bucket}}"{{regionField}}}""";
            case "oss-cross-account-put":
                return $$"""{"roleArn":"acs:ram::1987654321098765:role/policy-test","endpoint":{{e}},"bucket":"{{Bucket}}","objectName":"k.txt","message":"m"{{regionField}}}""";
            default:
                Environment.SetEnvironmentVariable("OSS_ENDPOINT", endpoint);
                return TriggerEvent(triggerRegion);
        }
    }

    private static string TriggerEvent(string? region) => JsonSerializer.Serialize(new OssEvent
    {
        Events =
        [
            new OssEventRecord
            {
                EventName = "ObjectCreated:PutObject", EventSource = "acs:oss", Region = region,
                Oss = new OssEventDetail { Bucket = new OssBucket { Name = Bucket }, Object = new OssObject { Key = "uploads/a.txt", Size = 1 } },
            },
        ],
    }, FcEventsJson.Default.OssEvent);

    private async Task<string> RefusedAsync(string handler, string body)
    {
        using var response = await _client.SendAsync(OssSampleTests.Invoke(handler, body, OssSampleTests.Credential(900)));
        var (type, message) = await OssSampleTests.ErrorOf(response);
        Assert.True(type == "InvalidEventException", $"{type}: {message}");
        Assert.Equal(0, _listener.Connections);
        return message;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task A_loopback_endpoint_without_the_opt_in_is_refused_and_nothing_connects(string handler)
    {
        foreach (var endpoint in new[] { _listener.HttpEndpoint, $"https://127.0.0.1:{_listener.Port}", $"http://localhost:{_listener.Port}", $"http://[::1]:{_listener.Port}" })
        {
            var message = await RefusedAsync(handler, EventFor(handler, endpoint));
            Assert.Contains("is not allowed", message);
            Assert.Contains("set OSS_ALLOW_LOOPBACK_ENDPOINTS=true", message);
            Assert.Contains("oss-<region>.aliyuncs.com", message);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task A_host_that_is_not_oss_is_refused_even_with_the_opt_in_and_is_never_resolved(string handler)
    {
        OptIn(true);
        // .invalid never resolves; the point is that the sample does not even try (the policy reads text only).
        foreach (var endpoint in new[] { "https://storage.example.invalid", "oss-cn-hangzhou.aliyuncs.com.example.invalid", "https://bucket.oss-cn-hangzhou.aliyuncs.com.invalid:8443" })
        {
            var message = await RefusedAsync(handler, EventFor(handler, endpoint));
            Assert.Contains("is not allowed", message);
            Assert.Contains("adds only 127.0.0.1, ::1 and localhost", message);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task With_the_opt_in_a_loopback_endpoint_is_used(string handler)
    {
        OptIn(true);
        // The listener is no OSS (and no STS): whatever the sample answers, it did connect, which is what the opt-in allows.
        using var response = await _client.SendAsync(OssSampleTests.Invoke(handler, EventFor(handler, _listener.HttpEndpoint), OssSampleTests.Credential(901)));
        await response.Content.ReadAsStringAsync();
        Assert.True(_listener.Connections > 0, $"{handler} did not connect to {_listener.HttpEndpoint}");
    }

    [Theory]
    [InlineData("oss-put-object")]
    [InlineData("oss-get-object")]
    [InlineData("oss-list-objects")]
    [InlineData("oss-list-default-chain")]
    [InlineData("oss-cross-account-put")]
    public async Task An_event_region_that_is_not_a_region_id_is_refused(string handler)
    {
        OptIn(true);
        foreach (var region in new[] { "cn-x@127.0.0.1:1#", "cn-hangzhou/../x", "CN-HANGZHOU", "cn hangzhou" })
        {
            var message = await RefusedAsync(handler, EventFor(handler, _listener.HttpEndpoint, region));
            Assert.Contains("\"region\" is not a region id", message);
        }
    }

    [Fact]
    public async Task An_oss_trigger_region_cannot_move_the_request_to_another_host()
    {
        // The finding: "cn-x@127.0.0.1:<port>#" made oss-<region>-internal.aliyuncs.com parse as user info + 127.0.0.1:<port>.
        OptIn(true);
        foreach (var region in new[] { $"cn-x@127.0.0.1:{_listener.Port}#", $"cn-x@127.0.0.1:{_listener.Port}?", $"cn-x.127.0.0.1:{_listener.Port}/" })
        {
            var message = await RefusedAsync("oss-uppercase-on-upload", TriggerEvent(region));
            Assert.Contains("region\" is not a region id", message);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cross_account_put_refuses_an_sts_endpoint_in_the_event_and_sts_hears_nothing(bool optIn)
    {
        OptIn(optIn);
        // The finding: the signed AssumeRole request (key id, token, nonce, signature) went to the event's stsEndpoint.
        foreach (var sts in new[] { _listener.HttpEndpoint, $"127.0.0.1:{_listener.Port}", "sts.cn-hangzhou.aliyuncs.com", "" })
        {
            var body = $$"""{"roleArn":"acs:ram::1987654321098765:role/policy-test","endpoint":"oss-cn-hangzhou.aliyuncs.com","bucket":"{{Bucket}}","objectName":"k.txt","message":"m","stsEndpoint":{{JsonSerializer.Serialize(sts)}}}""";
            var message = await RefusedAsync("oss-cross-account-put", body);
            Assert.Contains("the STS endpoint is configuration, not event", message);
            Assert.Contains("ALIBABA_CLOUD_STS_ENDPOINT", message);
        }
    }

    [Fact]
    public async Task The_refusals_name_the_endpoint_and_never_the_credentials()
    {
        var credential = OssSampleTests.Credential(902);
        using var response = await _client.SendAsync(OssSampleTests.Invoke("oss-get-object", EventFor("oss-get-object", _listener.HttpEndpoint), credential));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"'{_listener.HttpEndpoint}' is not allowed", body);
        Assert.DoesNotContain(credential.AccessKeySecret, body);
        Assert.DoesNotContain(credential.SecurityToken!, body);
        Assert.Equal(0, _listener.Connections);
    }
}

/// <summary>Where <c>oss-cross-account-put</c> sends AssumeRole: configuration only, https only (pure: nothing is called).</summary>
public class StsEndpointConfigurationTests
{
    private static CredentialsEnvironment Env(params (string Name, string Value)[] variables) =>
        CredentialsEnvironment.FromVariables(variables.Select(v => KeyValuePair.Create(v.Name, v.Value)));

    [Theory]
    [InlineData("cn-hangzhou", null, null, "https://sts.cn-hangzhou.aliyuncs.com/")]
    [InlineData("ap-southeast-1", null, null, "https://sts.ap-southeast-1.aliyuncs.com/")]
    [InlineData("cn-hangzhou", "true", null, "https://sts-vpc.cn-hangzhou.aliyuncs.com/")]
    [InlineData("", null, "cn-shanghai", "https://sts.cn-shanghai.aliyuncs.com/")]
    [InlineData("", null, null, "https://sts.aliyuncs.com/")]
    // A region that is not a region id never goes into the host name.
    [InlineData("x@127.0.0.1:1#", null, null, "https://sts.aliyuncs.com/")]
    public void Without_configuration_sts_is_the_functions_region_over_https(string region, string? vpc, string? stsRegion, string expected)
    {
        var variables = new List<(string, string)>();
        if (vpc is not null) variables.Add((CredentialsEnvironmentVariables.VpcEndpointEnabled, vpc));
        if (stsRegion is not null) variables.Add((CredentialsEnvironmentVariables.StsRegion, stsRegion));
        Assert.Equal(expected, AssumedRoles.StsBaseAddress(region, Env([.. variables]), allowLoopback: false).ToString());
    }

    [Theory]
    [InlineData("sts.cn-shanghai.aliyuncs.com", "https://sts.cn-shanghai.aliyuncs.com/")]
    [InlineData("https://sts-vpc.cn-shanghai.aliyuncs.com", "https://sts-vpc.cn-shanghai.aliyuncs.com/")]
    [InlineData("https://127.0.0.1:9443/", "https://127.0.0.1:9443/")]
    public void The_configured_endpoint_wins_over_https(string configured, string expected) =>
        Assert.Equal(expected, AssumedRoles.StsBaseAddress("cn-hangzhou", Env((LocalRuns.StsEndpointVariable, configured)), allowLoopback: false).ToString());

    [Theory]
    [InlineData("http://127.0.0.1:9000", "http://127.0.0.1:9000/")]
    [InlineData("http://localhost:9000", "http://localhost:9000/")]
    [InlineData("http://[::1]:9000/", "http://[::1]:9000/")]
    public void Plain_http_sts_is_loopback_only_and_only_with_the_opt_in(string configured, string expected)
    {
        var env = Env((LocalRuns.StsEndpointVariable, configured));
        var e = Assert.Throws<StsEndpointConfigurationException>(() => AssumedRoles.StsBaseAddress("cn-hangzhou", env, allowLoopback: false));
        Assert.Contains("https only", e.Message);
        Assert.Contains("OSS_ALLOW_LOOPBACK_ENDPOINTS=true", e.Message);
        Assert.Equal(expected, AssumedRoles.StsBaseAddress("cn-hangzhou", env, allowLoopback: true).ToString());
    }

    [Theory]
    [InlineData("http://sts.cn-hangzhou.aliyuncs.com")]
    [InlineData("http://10.0.0.1:9000")]
    [InlineData("http://127.0.0.2:9000")]
    [InlineData("https://user:secret-part@sts.aliyuncs.com")]
    [InlineData("https://sts.aliyuncs.com/path")]
    [InlineData("https://sts.aliyuncs.com/?")]
    [InlineData("https://sts.aliyuncs.com#")]
    [InlineData("sts.x@127.0.0.1:9000#")]
    public void Anything_else_is_refused_even_with_the_opt_in(string configured)
    {
        var e = Assert.Throws<StsEndpointConfigurationException>(() =>
            AssumedRoles.StsBaseAddress("cn-hangzhou", Env((LocalRuns.StsEndpointVariable, configured)), allowLoopback: true));
        Assert.Contains(LocalRuns.StsEndpointVariable, e.Message);
        Assert.DoesNotContain("secret-part", e.Message);
    }

    [Fact]
    public void A_sts_region_setting_cannot_smuggle_in_another_host() =>
        Assert.Throws<StsEndpointConfigurationException>(() =>
            AssumedRoles.StsBaseAddress("", Env((CredentialsEnvironmentVariables.StsRegion, "x@127.0.0.1:9000#")), allowLoopback: true));
}

/// <summary>The packaged function (a real process, started without the opt-in): the SSRF through oss-get-object is closed.</summary>
public class PackagedEndpointPolicyTests
{
    // Explicitly off: the child would otherwise inherit this test process's opt-in.
    private static Dictionary<string, string> WithoutOptIn(CountingListener listener) => new()
    {
        [LocalRuns.AllowLoopbackVariable] = "",
        ["OSS_ENDPOINT"] = "",
        [LocalRuns.StsEndpointVariable] = listener.HttpEndpoint,
    };

    [Fact]
    public async Task Oss_get_object_cannot_read_a_local_service()
    {
        await using var service = CountingListener.Start("internal-only-data-from-a-local-service");
        await using var function = await FunctionProcess.StartPackageAsync(WithoutOptIn(service));

        foreach (var endpoint in new[] { service.HttpEndpoint, $"localhost:{service.Port}", $"http://[::1]:{service.Port}" })
        {
            using var response = await function.Client.SendAsync(OssSampleTests.Invoke("oss-get-object",
                $$"""{"endpoint":"{{endpoint}}","bucket":"any-bucket","objectName":"admin/config"}""", OssSampleTests.Credential(910)));
            // Before the fix: 200 with the local service's answer as the "object".
            var (type, message) = await OssSampleTests.ErrorOf(response);
            Assert.Equal("InvalidEventException", type);
            Assert.Contains("OSS_ALLOW_LOOPBACK_ENDPOINTS=true", message);
            Assert.DoesNotContain(service.Body, message);
        }
        Assert.Equal(0, service.Connections);
    }

    [Fact]
    public async Task Cross_account_put_does_not_send_assume_role_where_the_event_says()
    {
        await using var listener = CountingListener.Start();
        await using var function = await FunctionProcess.StartPackageAsync(WithoutOptIn(listener));
        var credential = OssSampleTests.Credential(911);

        using var response = await function.Client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put",
            $$"""{"roleArn":"acs:ram::1987654321098765:role/r","endpoint":"{{listener.HttpEndpoint}}","bucket":"any-bucket","objectName":"k","message":"m","stsEndpoint":"{{listener.HttpEndpoint}}"}""", credential));
        // Before the fix: the signed AssumeRole request reached the listener (AssumeRoleFailedException on its answer).
        var (type, message) = await OssSampleTests.ErrorOf(response);
        Assert.Equal("InvalidEventException", type);
        Assert.Contains("configuration, not event", message);
        Assert.Equal(0, listener.Connections);
        Assert.DoesNotContain(credential.SecurityToken!, message + function.Output);
    }
}
