using System.Net;
using FunctionCompute.Credentials.Caching;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;
using FunctionCompute.Credentials.Tests.StandIns;
using FunctionCompute.StandIns;

namespace FunctionCompute.Credentials.Tests;

public sealed class AssumeRoleProviderTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private StsServer _sts = null!;
    private CloudCredentials _functionCredentials = null!;

    public async Task InitializeAsync()
    {
        _sts = await StsServer.StartAsync(_time);
        _sts.AccessKeys["LTAIfcRoleOwner"] = "owner-secret";
        _sts.Roles[_sts.RoleArn("fc-role")] = new StsRole();
        _sts.Roles[OtherAccountRole] = new StsRole { MaxSessionDuration = 3600 };
        // The function's own STS credentials, as FC passes them with an invocation.
        _functionCredentials = (await Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("fc-role"), RoleSessionName = "fc" },
            new CloudCredentials("LTAIfcRoleOwner", "owner-secret"))).Credentials;
    }

    public async Task DisposeAsync() => await _sts.DisposeAsync();

    private const string OtherAccountRole = "acs:ram::9999999999999999:role/writer";

    private StsClient Client() => new(new StsClientOptions { Endpoint = _sts.Endpoint, TimeProvider = _time, Timeout = TimeSpan.FromSeconds(5) });

    private AssumeRoleCredentialsProvider Provider(ICredentialsProvider? source = null) => new(
        source ?? new StaticCredentialsProvider(_functionCredentials),
        new AssumeRoleRequest { RoleArn = OtherAccountRole, RoleSessionName = "cross-account", DurationSeconds = 3600 },
        Client(), new CachingOptions(), _time);

    [Fact]
    public async Task CrossAccount_WithTheFunctionsStsCredentials_IsCachedAndRefreshed()
    {
        var provider = Provider();
        var before = _sts.Successes;
        var first = await provider.GetCredentialsAsync();
        Assert.True(_sts.TryGetIssued(first.AccessKeyId, out _));
        Assert.Equal(_functionCredentials.SecurityToken, _sts.Requests.Last().Parameters["SecurityToken"]);
        Assert.Equal($"acs:ram::9999999999999999:role/writer/cross-account", provider.LastResult!.AssumedRoleUser.Arn);

        _time.Advance(TimeSpan.FromMinutes(40));
        Assert.Same(first, await provider.GetCredentialsAsync());
        Assert.Equal(before + 1, _sts.Successes);

        _time.Advance(TimeSpan.FromMinutes(6)); // 14 min before expiry
        var second = await provider.GetCredentialsAsync();
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(before + 2, _sts.Successes);
    }

    [Fact]
    public async Task TwoHundredConcurrentCallers_TriggerExactlyOneAssumeRole()
    {
        _sts.Delay = TimeSpan.FromMilliseconds(300);
        var provider = Provider();
        var before = _sts.Requests.Count;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 200).Select(_ => Task.Run(async () => { await start.Task; return await provider.GetCredentialsAsync(); })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(callers);
        Assert.Equal(before + 1, _sts.Requests.Count);
        Assert.Single(results.Select(r => r.AccessKeyId).Distinct());
        Assert.Equal(1, provider.Cache.RefreshCount);
    }

    [Fact]
    public async Task StsErrorDuringRefresh_KeepsTheValidCredential_ThenSurfacesTheTypedError()
    {
        var provider = Provider();
        var first = await provider.GetCredentialsAsync();
        _sts.FailNext(HttpStatusCode.BadRequest, "Throttling.User", "Request was denied due to user flow control.", count: 100);
        _time.Advance(TimeSpan.FromMinutes(50));
        Assert.Same(first, await provider.GetCredentialsAsync());
        _time.Advance(TimeSpan.FromMinutes(10));
        var ex = await Assert.ThrowsAsync<StsException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Equal("Throttling.User", ex.Code);
        Secrets.AssertAbsent(Secrets.AllText(ex), first.AccessKeySecret, first.SecurityToken, _functionCredentials.AccessKeySecret, _functionCredentials.SecurityToken);
        Secrets.AssertAbsent(provider.ToString(), first.AccessKeySecret, first.SecurityToken);
    }

    [Fact]
    public async Task SourceWithoutCredentials_IsAClearError()
    {
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => Provider(new StaticCredentialsProvider(CloudCredentials.None)).GetCredentialsAsync().AsTask());
        Assert.Contains("returned no credentials", ex.Message);
    }

    [Fact]
    public async Task RotatingSource_IsAskedAgainOnEveryRefresh()
    {
        var sources = 0;
        var provider = Provider(new DelegatingProvider(_ => { Interlocked.Increment(ref sources); return new(_functionCredentials); }));
        await provider.GetCredentialsAsync();
        await provider.GetCredentialsAsync();
        Assert.Equal(1, sources);
        _time.Advance(TimeSpan.FromMinutes(50));
        await provider.GetCredentialsAsync();
        Assert.Equal(2, sources);
    }

    [Fact]
    public async Task Oidc_ReadsTheTokenFileOnEveryRefresh()
    {
        using var env = new FakeEnvironment();
        const string providerArn = "acs:ram::1234567890123456:oidc-provider/ack";
        _sts.OidcProviders[providerArn] = "jwt-one";
        var file = env.WriteFile("token", "jwt-one\n");
        env.Set(CredentialsEnvironmentVariables.RoleArn, _sts.RoleArn("fc-role")).Set(CredentialsEnvironmentVariables.OidcProviderArn, providerArn)
            .Set(CredentialsEnvironmentVariables.OidcTokenFile, file).Set(CredentialsEnvironmentVariables.RoleSessionName, "rrsa-pod");
        var provider = new OidcRoleCredentialsProvider(OidcRoleOptions.FromEnvironment(env.Environment)!, Client(), new CachingOptions(), _time);
        var first = await provider.GetCredentialsAsync();
        Assert.Equal("rrsa-pod", _sts.Requests.Last().Parameters["RoleSessionName"]);

        _sts.OidcProviders[providerArn] = "jwt-two"; // the platform rotated the token
        File.WriteAllText(file, "jwt-two");
        _time.Advance(TimeSpan.FromMinutes(50));
        var second = await provider.GetCredentialsAsync();
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal("jwt-two", _sts.Requests.Last().Parameters["OIDCToken"]);
        Assert.DoesNotContain("jwt-two", provider.ToString());
    }

    private sealed class DelegatingProvider(Func<CancellationToken, ValueTask<CloudCredentials>> get) : ICredentialsProvider
    {
        public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => get(cancellationToken);
    }
}
