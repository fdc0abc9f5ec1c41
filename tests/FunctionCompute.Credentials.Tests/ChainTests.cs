using FunctionCompute.Credentials.Chain;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.StandIns;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Credentials.Tests;

public sealed class ChainTests : IAsyncLifetime
{
    private readonly FakeEnvironment _env = new();
    private MetadataServer _imds = null!;
    private StsServer _sts = null!;

    public async Task InitializeAsync()
    {
        _imds = await MetadataServer.StartAsync();
        _sts = await StsServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _imds.DisposeAsync();
        await _sts.DisposeAsync();
        _env.Dispose();
    }

    private CredentialsSettings Settings => new()
    {
        Environment = _env.Environment,
        MetadataBaseAddress = _imds.BaseAddress, // never 100.100.100.200 in tests
        MetadataTimeout = TimeSpan.FromSeconds(2),
        StsEndpoint = _sts.Endpoint,
    };

    private static string[] Names(DefaultCredentialsProvider chain) =>
        chain.Providers.Select(p => ((INamedCredentialsProvider)p).ProviderName).ToArray();

    [Fact]
    public void OfficialOrder_WithConditionalProviders()
    {
        Assert.Equal(["env", "cli_profile", "profile", "ecs_ram_role"], Names(new DefaultCredentialsProvider(Settings)));

        var token = _env.WriteFile("oidc-token", "jwt");
        _env.Set(CredentialsEnvironmentVariables.RoleArn, "acs:ram::1:role/r").Set(CredentialsEnvironmentVariables.OidcProviderArn, "acs:ram::1:oidc-provider/p")
            .Set(CredentialsEnvironmentVariables.OidcTokenFile, token).Set(CredentialsEnvironmentVariables.CredentialsUri, "http://127.0.0.1:9/creds");
        Assert.Equal(["env", "oidc_role_arn", "cli_profile", "profile", "ecs_ram_role", "credential_uri"], Names(new DefaultCredentialsProvider(Settings)));

        _env.Set(CredentialsEnvironmentVariables.CliProfileDisabled, "true").Set(CredentialsEnvironmentVariables.EcsMetadataDisabled, "TRUE")
            .Set(CredentialsEnvironmentVariables.OidcTokenFile, "");
        Assert.Equal(["env", "profile", "credential_uri"], Names(new DefaultCredentialsProvider(Settings)));
    }

    [Fact]
    public async Task Environment_WinsOverEverythingElse_AndNothingElseIsAsked()
    {
        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "STS.fromEnv").Set(CredentialsEnvironmentVariables.AccessKeySecret, "s")
            .Set(CredentialsEnvironmentVariables.SecurityToken, "t");
        _env.WriteFile(".aliyun/config.json", """{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAIcli","access_key_secret":"x"}]}""");
        var chain = new DefaultCredentialsProvider(Settings);
        Assert.Equal("STS.fromEnv", (await chain.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal("default/env", chain.ProviderName);
        Assert.Empty(_imds.Log);
    }

    [Fact]
    public async Task CliProfile_BeatsIni_AndIni_BeatsEcs()
    {
        _env.WriteFile(".alibabacloud/credentials.ini", "[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = y\n");
        _env.WriteFile(".aliyun/config.json", """{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAIcli","access_key_secret":"x"}]}""");
        Assert.Equal("LTAIcli", (await new DefaultCredentialsProvider(Settings).GetCredentialsAsync()).AccessKeyId);
        File.Delete(Path.Combine(_env.Home, ".aliyun", "config.json"));
        var chain = new DefaultCredentialsProvider(Settings);
        Assert.Equal("LTAIini", (await chain.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal("default/profile/static_ak", chain.ProviderName);
        Assert.Empty(_imds.Log);
    }

    [Fact]
    public async Task OnAnEcsInstance_TheMetadataServiceAnswers_AndIsRemembered()
    {
        _imds.RequireToken = true;
        var chain = new DefaultCredentialsProvider(Settings);
        var credentials = await chain.GetCredentialsAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal("default/ecs_ram_role", chain.ProviderName);

        // Remembered: env credentials appearing later are not consulted...
        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "LTAIlate").Set(CredentialsEnvironmentVariables.AccessKeySecret, "late");
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), (await chain.GetCredentialsAsync()).AccessKeyId);
        Assert.IsType<EcsRamRoleCredentialsProvider>(chain.LastUsedProvider);

        // ...and its errors come back directly, without falling through to the others.
        _imds.RoleName = null;
        ((EcsRamRoleCredentialsProvider)chain.LastUsedProvider).Cache.Invalidate();
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => chain.GetCredentialsAsync().AsTask());
        Assert.IsNotType<CredentialsChainException>(ex);
        Assert.Equal("ecs_ram_role", ex.ProviderName);
    }

    [Fact]
    public async Task EverythingFails_OneExceptionListsEachReasonInOrder_WithoutSecrets()
    {
        _imds.RoleName = null;
        _env.Set(CredentialsEnvironmentVariables.AccessKeySecret, "half-configured-secret-do-not-leak");
        _env.Set(CredentialsEnvironmentVariables.CredentialsUri, new Uri(_imds.BaseAddress, "/no-such-credentials?sig=uri-secret-do-not-leak").ToString());
        var chain = new DefaultCredentialsProvider(Settings);
        var ex = await Assert.ThrowsAsync<CredentialsChainException>(() => chain.GetCredentialsAsync().AsTask());
        Assert.Equal(["env", "cli_profile", "profile", "ecs_ram_role", "credential_uri"], ex.Failures.Select(f => f.ProviderName).ToArray());
        Assert.StartsWith("default: unable to get credentials from any of the providers in the chain: [env] ALIBABA_CLOUD_ACCESS_KEY_ID cannot be empty; [cli_profile]", ex.Message);
        Assert.Contains("[ecs_ram_role] the instance has no RAM role attached", ex.Message);
        Assert.Contains("[credential_uri] GET", ex.Message);
        Secrets.AssertAbsent(Secrets.AllText(ex), "half-configured-secret-do-not-leak", "uri-secret-do-not-leak");
        Assert.Null(chain.LastUsedProvider);

        // Failures are not remembered (unlike credentials-go's quirk): once env is complete, env wins.
        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "LTAInow");
        Assert.Equal("LTAInow", (await chain.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal("default/env", chain.ProviderName);
    }

    [Fact]
    public async Task MetadataTimeout_FallsThroughToTheCredentialsUri()
    {
        _imds.TokenFault = MetadataFault.Hang;
        _imds.CredentialsFault = MetadataFault.Hang;
        var (app, uri) = await Kestrel.StartAsync(c =>
        {
            c.Response.ContentType = "application/json";
            return c.Response.WriteAsync($$"""{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"s","SecurityToken":"t","Expiration":"{{DateTimeOffset.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}""");
        });
        try
        {
            _env.Set(CredentialsEnvironmentVariables.CredentialsUri, uri.ToString());
            var settings = Settings;
            settings.MetadataTimeout = TimeSpan.FromMilliseconds(200);
            var chain = new DefaultCredentialsProvider(settings);
            Assert.Equal("STS.uri", (await chain.GetCredentialsAsync()).AccessKeyId);
            Assert.Equal("default/credential_uri", chain.ProviderName);
        }
        finally
        {
            await Kestrel.StopAsync(app);
        }
    }

    [Fact]
    public async Task FirstProviders_RunBeforeTheOfficialChain_AndEmptyCredentialsFallThrough()
    {
        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "LTAIenv").Set(CredentialsEnvironmentVariables.AccessKeySecret, "e");
        var noRole = new StaticCredentialsProvider(CloudCredentials.None); // an FC invocation without a role
        var chain = new DefaultCredentialsProvider(Settings, [noRole]);
        Assert.Equal("LTAIenv", (await chain.GetCredentialsAsync()).AccessKeyId);

        var invocation = new StaticCredentialsProvider(new CloudCredentials("STS.invocation", "i", "t"));
        Assert.Equal("STS.invocation", (await new DefaultCredentialsProvider(Settings, [invocation]).GetCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task ChainedProvider_PropagatesCancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var chain = new ChainedCredentialsProvider([new EnvironmentCredentialsProvider(_env.Environment)]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chain.GetCredentialsAsync(cts.Token).AsTask());
    }
}
