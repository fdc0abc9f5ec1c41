using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using FunctionCompute.OssEmulator;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SampleFunctions.Credentials;

namespace SampleFunctions.Tests;

/// <summary>
/// <c>oss-cross-account-put</c> in process: the STS stand-in knows the function's (invocation's) STS key and issues
/// credentials for the other account's role; the local OSS knows only the issued credentials, so a stored object
/// proves the put was signed as the assumed role.
/// </summary>
public sealed class CredentialSampleTests : IAsyncLifetime
{
    internal const string Bucket = "partner-bucket";
    private StsServer _sts = null!;
    private OssEmulatorServer _oss = null!;
    private FunctionCompute.Testing.FcTestServer _app = null!;
    private HttpClient _client = null!;
    private readonly ConcurrentQueue<StsIssuedCredentials> _issued = new();

    // The handler caches assumed credentials per role for the whole process: a role of its own per test.
    private readonly string _role = TargetRole();

    internal static string TargetRole() => $"acs:ram::1987654321098765:role/oss-writer-{Guid.NewGuid().ToString("N")[..8]}";

    internal static EmulatorCredential FunctionKey(int i) =>
        new($"STS.function{i:D3}", $"function-secret-{i:D3}-{Guid.NewGuid():N}", $"CAIS-function-token-{i:D3}-{Guid.NewGuid():N}");

    /// <summary>An STS stand-in that trusts <paramref name="role"/>, and an OSS that accepts only what that STS issues.</summary>
    internal static async Task<(StsServer Sts, OssEmulatorServer Oss)> StartAccountAsync(string role, ConcurrentQueue<StsIssuedCredentials> issued)
    {
        var options = new OssEmulatorOptions { Region = "cn-hangzhou" };
        options.Buckets.Add(Bucket);
        var oss = await OssEmulatorServer.StartAsync(options);
        var sts = await StsServer.StartAsync();
        sts.Roles[role] = new StsRole();
        sts.OnIssued = c =>
        {
            issued.Enqueue(c);
            oss.AddCredential(new EmulatorCredential(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken, c.Expiration));
        };
        return (sts, oss);
    }

    internal static void Trust(StsServer sts, EmulatorCredential function) =>
        sts.AddSessionCredentials(function.AccessKeyId, function.AccessKeySecret, function.SecurityToken!);

    // No "stsEndpoint": the sample refuses events that carry one; STS is configured (ALIBABA_CLOUD_STS_ENDPOINT).
    internal static string PutEvent(string role, string ossEndpoint, string key, string message, string? externalId = null) =>
        JsonSerializer.Serialize(new CrossAccountPutEvent(role, ossEndpoint, Bucket, key, message, ExternalId: externalId),
            SampleJson.Default.CrossAccountPutEvent);

    public async Task InitializeAsync()
    {
        (_sts, _oss) = await StartAccountAsync(_role, _issued);
        // The in-process sample reads its STS endpoint from this process's environment. The tests of this class run one
        // at a time and no other in-process test calls STS (the refusal tests set their own value, alone).
        Environment.SetEnvironmentVariable(LocalRuns.StsEndpointVariable, _sts.Endpoint);
        (_app, _client) = await InProcessSampleApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(LocalRuns.StsEndpointVariable, null);
        _client.Dispose();
        await _app.DisposeAsync();
        await _sts.DisposeAsync();
        await _oss.DisposeAsync();
    }

    private string LogText => InProcessSampleApp.LogText(_app);

    private string Put(string key, string message = "m", string? role = null, string? externalId = null) =>
        PutEvent(role ?? _role, _oss.Endpoint, key, message, externalId);

    private static async Task<(string Type, string Message, string Body)> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{response.StatusCode}: {text}");
        Assert.Equal("404", response.Headers.GetValues(FcHeaders.Status).Single());
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("errorType").GetString()!, json.RootElement.GetProperty("errorMessage").GetString()!, text);
    }

    private void AssertNoSecrets(string text, params EmulatorCredential[] functionKeys)
    {
        foreach (var key in functionKeys)
        {
            Assert.DoesNotContain(key.AccessKeySecret, text);
            Assert.DoesNotContain(key.SecurityToken!, text);
        }
        foreach (var issued in _issued)
        {
            Assert.DoesNotContain(issued.AccessKeySecret, text);
            Assert.DoesNotContain(issued.SecurityToken, text);
        }
    }

    [Fact]
    public async Task Cross_account_put_writes_as_the_assumed_role_and_reuses_it_while_valid()
    {
        var function = FunctionKey(1);
        Trust(_sts, function);

        using var first = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("cross/one.txt", "to the partner ✓"), function));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.OK, firstBody);
        Assert.Equal("success", firstBody);

        var issued = Assert.Single(_issued);
        Assert.Equal(_role, issued.RoleArn);
        var stored = _oss.Objects.Get(Bucket, "cross/one.txt")!;
        Assert.Equal(issued.AccessKeyId, stored.WrittenBy);
        Assert.NotEqual(function.AccessKeyId, stored.WrittenBy);
        Assert.Equal("to the partner ✓", Encoding.UTF8.GetString(_oss.Objects.ReadAllBytes(Bucket, "cross/one.txt")));

        // AssumeRole was signed with the invocation's own STS credentials (key and token).
        var call = Assert.Single(_sts.Requests);
        Assert.Equal(function.AccessKeyId, call.Parameters["AccessKeyId"]);
        Assert.Equal(function.SecurityToken, call.Parameters["SecurityToken"]);

        // Within the validity: no second STS call, the same assumed key writes.
        using var second = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("cross/two.txt"), function));
        Assert.Equal("success", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, _sts.SuccessesFor(_role));
        Assert.Single(_sts.Requests);
        Assert.Equal(issued.AccessKeyId, _oss.Objects.Get(Bucket, "cross/two.txt")!.WrittenBy);

        // The other account's OSS does not know the function's own key: the plain put sample is refused there.
        using var own = await _client.SendAsync(OssSampleTests.Invoke("oss-put-object", OssSampleTests.PutEvent(_oss.Endpoint, "own.txt", "m", Bucket), function));
        var (type, message, _) = await ErrorOf(own);
        Assert.Equal("OssException", type);
        Assert.Contains("InvalidAccessKeyId", message);

        Assert.Contains($"as {_role} (assumed key {issued.AccessKeyId}", LogText);
        AssertNoSecrets(firstBody + LogText, function);
    }

    [Fact]
    public async Task The_refresh_before_expiry_signs_with_the_functions_newest_credentials()
    {
        // 13 s credentials: refreshed half-way (the 15 min margin is capped at half the lifetime).
        _sts.IssuedLifetime = TimeSpan.FromSeconds(13);
        var before = FunctionKey(2);
        Trust(_sts, before);
        using (var first = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("rotate/1.txt"), before)))
            Assert.Equal("success", await first.Content.ReadAsStringAsync());

        // FC rotates the function's credentials; the old ones stop working.
        var after = FunctionKey(3);
        _sts.Revoke(before.AccessKeyId);
        Trust(_sts, after);
        using (var cached = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("rotate/2.txt"), after)))
            Assert.Equal("success", await cached.Content.ReadAsStringAsync());
        Assert.Equal(1, _sts.SuccessesFor(_role));

        await Task.Delay(TimeSpan.FromSeconds(7));
        using (var refreshed = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("rotate/3.txt"), after)))
            Assert.Equal("success", await refreshed.Content.ReadAsStringAsync());

        Assert.Equal(2, _sts.SuccessesFor(_role));
        Assert.Equal(after.AccessKeyId, _sts.Requests.Last().Parameters["AccessKeyId"]);
        var issued = _issued.ToArray();
        Assert.Equal(issued[0].AccessKeyId, _oss.Objects.Get(Bucket, "rotate/2.txt")!.WrittenBy);
        Assert.Equal(issued[1].AccessKeyId, _oss.Objects.Get(Bucket, "rotate/3.txt")!.WrittenBy);
        AssertNoSecrets(LogText, before, after);
    }

    [Theory]
    [InlineData("unknown-role", "EntityNotExist.Role")]
    [InlineData("wrong-signature", "SignatureDoesNotMatch")]
    [InlineData("missing-external-id", "NoPermission")]
    public async Task Sts_errors_are_contract_errors_with_the_sts_code_and_request_id_and_no_secrets(string scenario, string code)
    {
        var function = FunctionKey(4);
        var role = _role;
        switch (scenario)
        {
            case "unknown-role":
                Trust(_sts, function);
                role = TargetRole();
                break;
            case "wrong-signature":
                // STS knows the key with another secret: the signature does not match.
                _sts.AddSessionCredentials(function.AccessKeyId, "the-secret-sts-knows", function.SecurityToken!);
                break;
            case "missing-external-id":
                Trust(_sts, function);
                _sts.Roles[role] = new StsRole { RequiredExternalId = "partner-external-id" };
                break;
        }

        using var response = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("never.txt", role: role), function));

        var (type, message, body) = await ErrorOf(response);
        Assert.Equal(nameof(AssumeRoleFailedException), type);
        Assert.Contains(code, message);
        Assert.Contains(role, message);
        Assert.Matches(@"RequestId [0-9A-F-]{36}", message);
        Assert.Equal(0, _oss.Objects.Count);
        AssertNoSecrets(body + LogText, function);

        // A refusal is not cached: once the other account fixes its side, the same event succeeds.
        switch (scenario)
        {
            case "unknown-role": _sts.Roles[role] = new StsRole(); break;
            case "wrong-signature": Trust(_sts, function); break;
            case "missing-external-id": _sts.Roles[role] = new StsRole(); break;
        }
        using var retry = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("after-fix.txt", role: role), function));
        Assert.Equal("success", await retry.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_external_id_is_passed_to_sts()
    {
        var function = FunctionKey(5);
        Trust(_sts, function);
        _sts.Roles[_role] = new StsRole { RequiredExternalId = "partner-external-id" };

        using var response = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("ext.txt", externalId: "partner-external-id"), function));

        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        Assert.Equal("partner-external-id", Assert.Single(_sts.Requests).Parameters["ExternalId"]);
    }

    [Theory]
    [InlineData("""{"endpoint":"e","bucket":"b","objectName":"k","message":"m"}""", "\"roleArn\"")]
    [InlineData("""{"roleArn":"oss-writer","endpoint":"e","bucket":"b","objectName":"k","message":"m"}""", "acs:ram::")]
    [InlineData("""{"roleArn":"acs:ram::1:role/r","bucket":"b","objectName":"k","message":"m"}""", "\"endpoint\"")]
    [InlineData("""{"roleArn":"acs:ram::1:role/r","endpoint":"e","bucket":"b","objectName":"k"}""", "\"message\"")]
    [InlineData("""{"roleArn":""", "CrossAccountPutEvent")]
    public async Task A_bad_event_is_an_invalid_event_error_and_sts_is_not_called(string body, string expected)
    {
        using var response = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", body, FunctionKey(6)));
        var (type, message, _) = await ErrorOf(response);
        Assert.Equal("InvalidEventException", type);
        Assert.Contains(expected, message);
        Assert.Empty(_sts.Requests);
    }

    [Fact]
    public async Task A_function_without_a_role_gets_the_missing_credentials_error_and_sts_is_not_called()
    {
        using var response = await _client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put", Put("k.txt"), credential: null));
        var (type, _, _) = await ErrorOf(response);
        Assert.Equal("MissingCredentialsException", type);
        Assert.Empty(_sts.Requests);
    }
}

/// <summary>The credentials samples from the packaged function (dist/code/bootstrap, a real process).</summary>
public class PackagedCredentialTests
{
    /// <summary>The child's environment: only what the test gives, no ECS metadata, no CLI profile, an empty home.</summary>
    private static Dictionary<string, string> IsolatedEnvironment(string home, IDictionary<string, string>? credentials = null)
    {
        var environment = new Dictionary<string, string>();
        // Blank every ALIBABA_CLOUD_* the test runner may have (an empty value counts as unset).
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("ALIBABA_CLOUD_", StringComparison.Ordinal)))
            environment[name] = "";
        environment[CredentialsEnvironmentVariables.EcsMetadataDisabled] = "true";
        environment[CredentialsEnvironmentVariables.CliProfileDisabled] = "true";
        environment["HOME"] = home;
        environment[LocalRuns.AllowLoopbackVariable] = "true";
        foreach (var (name, value) in credentials ?? new Dictionary<string, string>()) environment[name] = value;
        return environment;
    }

    [Fact]
    public async Task List_default_chain_uses_the_environment_credentials_and_names_the_provider()
    {
        var env = OssSampleTests.Credential(20);
        var seeder = OssSampleTests.Credential(21);
        var options = new OssEmulatorOptions();
        options.Buckets.Add(OssSampleTests.Bucket);
        options.Credentials.Add(env);
        options.Credentials.Add(seeder);
        await using var oss = await OssEmulatorServer.StartAsync(options);
        var seedClient = new OssClient(new OssClientOptions { Endpoint = oss.Endpoint, Region = "cn-hangzhou" },
            new StaticCredentialsProvider(new CloudCredentials(seeder.AccessKeyId, seeder.AccessKeySecret, seeder.SecurityToken)));
        foreach (var key in new[] { "chain/a.txt", "chain/b.txt", "chain/c.txt", "other/d.txt" })
            await seedClient.PutObjectAsync(OssSampleTests.Bucket, key, "x");
        var home = Directory.CreateTempSubdirectory("fc-chain-home-").FullName;
        try
        {
            await using var function = await FunctionProcess.StartPackageAsync(IsolatedEnvironment(home, new Dictionary<string, string>
            {
                [CredentialsEnvironmentVariables.AccessKeyId] = env.AccessKeyId,
                [CredentialsEnvironmentVariables.AccessKeySecret] = env.AccessKeySecret,
                [CredentialsEnvironmentVariables.SecurityToken] = env.SecurityToken!,
            }));

            // No x-fc-* credentials: the chain, not the invocation, supplies them.
            using var response = await function.Client.SendAsync(OssSampleTests.Invoke("oss-list-default-chain",
                $$"""{"endpoint":"{{oss.Endpoint}}","bucket":"{{OssSampleTests.Bucket}}","prefix":"chain/","maxKeys":2}""", credential: null));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var result = JsonSerializer.Deserialize(body, SampleJson.Default.DefaultChainListResult)!;
            Assert.Equal("env", result.Provider);
            Assert.Equal(["chain/a.txt", "chain/b.txt"], result.Keys);
            Assert.True(result.Truncated);
            Assert.Equal("chain/", result.Prefix);

            var lists = oss.Requests.Where(r => r.Operation.StartsWith("ListObjects", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(lists);
            Assert.All(lists, r => Assert.Equal(env.AccessKeyId, r.AccessKeyId));
            Assert.DoesNotContain(env.AccessKeySecret, body + function.Output);
            Assert.DoesNotContain(env.SecurityToken!, body + function.Output);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task List_default_chain_without_any_credentials_says_what_each_provider_lacked()
    {
        var home = Directory.CreateTempSubdirectory("fc-chain-home-").FullName;
        try
        {
            await using var function = await FunctionProcess.StartPackageAsync(IsolatedEnvironment(home));
            using var response = await function.Client.SendAsync(OssSampleTests.Invoke("oss-list-default-chain",
                """{"endpoint":"http://127.0.0.1:1","bucket":"b"}""", credential: null));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using var json = JsonDocument.Parse(body);
            Assert.Equal("MissingCredentialsException", json.RootElement.GetProperty("errorType").GetString());
            var message = json.RootElement.GetProperty("errorMessage").GetString()!;
            Assert.Contains("[env] ALIBABA_CLOUD_ACCESS_KEY_ID", message);
            Assert.DoesNotContain("ecs_ram_role", message); // switched off by ALIBABA_CLOUD_ECS_METADATA_DISABLED
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Cross_account_put_assumes_the_role_from_the_package()
    {
        var role = CredentialSampleTests.TargetRole();
        var issued = new ConcurrentQueue<StsIssuedCredentials>();
        var (sts, oss) = await CredentialSampleTests.StartAccountAsync(role, issued);
        await using var _ = sts;
        await using var __ = oss;
        var function = CredentialSampleTests.FunctionKey(30);
        CredentialSampleTests.Trust(sts, function);
        await using var package = await FunctionProcess.StartPackageAsync(LocalOss.Environment(new Dictionary<string, string>
        {
            [LocalRuns.StsEndpointVariable] = sts.Endpoint,
        }));

        for (var i = 0; i < 2; i++)
        {
            using var response = await package.Client.SendAsync(OssSampleTests.Invoke("oss-cross-account-put",
                CredentialSampleTests.PutEvent(role, oss.Endpoint, $"packaged/{i}.txt", "from the AOT package"), function));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body + "\n" + package.Output);
            Assert.Equal("success", body);
        }

        var assumed = Assert.Single(issued);
        Assert.Equal(1, sts.SuccessesFor(role));
        Assert.Equal(assumed.AccessKeyId, oss.Objects.Get(CredentialSampleTests.Bucket, "packaged/0.txt")!.WrittenBy);
        Assert.Equal(assumed.AccessKeyId, oss.Objects.Get(CredentialSampleTests.Bucket, "packaged/1.txt")!.WrittenBy);
        Assert.Equal("from the AOT package", Encoding.UTF8.GetString(oss.Objects.ReadAllBytes(CredentialSampleTests.Bucket, "packaged/1.txt")));

        await package.WaitForOutputAsync("packaged/1.txt", TimeSpan.FromSeconds(10));
        foreach (var secret in new[] { function.AccessKeySecret, function.SecurityToken!, assumed.AccessKeySecret, assumed.SecurityToken })
            Assert.DoesNotContain(secret, package.Output);
    }
}
