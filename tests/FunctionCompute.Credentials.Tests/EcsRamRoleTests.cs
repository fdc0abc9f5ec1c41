using System.Net;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Tests.StandIns;
using FunctionCompute.StandIns;

namespace FunctionCompute.Credentials.Tests;

public sealed class EcsRamRoleTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private MetadataServer _imds = null!;

    public async Task InitializeAsync() => _imds = await MetadataServer.StartAsync(_time);
    public async Task DisposeAsync() => await _imds.DisposeAsync();

    private EcsRamRoleCredentialsProvider Provider(Action<EcsRamRoleOptions>? configure = null)
    {
        var options = new EcsRamRoleOptions { BaseAddress = _imds.BaseAddress, TimeProvider = _time, Timeout = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        return new EcsRamRoleCredentialsProvider(options);
    }

    [Fact]
    public async Task HardenedMode_TokenFirst_ThenRoleDiscovery_ThenCredentials()
    {
        _imds.RequireToken = true;
        _imds.FixedExpiration = new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero);
        var credentials = await Provider().GetCredentialsAsync();

        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal(MetadataServer.SecretOf(1), credentials.AccessKeySecret);
        Assert.Equal(MetadataServer.TokenOf(1), credentials.SecurityToken);
        Assert.Equal(_imds.FixedExpiration, credentials.Expiration);
        Assert.Equal(
            ["PUT /latest/api/token token=no ttl=21600",
             "GET /latest/meta-data/ram/security-credentials/ token=yes",
             "GET /latest/meta-data/ram/security-credentials/EcsRamRoleTest token=yes"],
            _imds.Log.ToArray());
    }

    [Fact]
    public async Task ConfiguredRoleName_SkipsDiscovery_AndTtlIsConfigurable()
    {
        var credentials = await Provider(o => { o.RoleName = "EcsRamRoleTest"; o.MetadataTokenTtlSeconds = 300; }).GetCredentialsAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal(0, _imds.RoleRequests);
        Assert.Contains("PUT /latest/api/token token=no ttl=300", _imds.Log);
        Assert.Throws<ArgumentOutOfRangeException>(() => Provider(o => o.MetadataTokenTtlSeconds = 21601));
    }

    [Fact]
    public async Task TokenEndpointFailure_FallsBackToNormalMode()
    {
        _imds.TokenFault = MetadataFault.ServerError;
        var credentials = await Provider().GetCredentialsAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal(2, _imds.Log.Count(l => l.StartsWith("GET") && l.EndsWith("token=no")));
    }

    [Fact]
    public async Task TokenEndpointHang_FallsBackAfterTheTimeout()
    {
        _imds.TokenFault = MetadataFault.Hang;
        var credentials = await Provider(o => o.Timeout = TimeSpan.FromSeconds(1)).GetCredentialsAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
    }

    [Fact]
    public async Task ImdsV1Disabled_TokenFailureIsAnError_AndNothingIsFetchedWithoutToken()
    {
        _imds.TokenFault = MetadataFault.ServerError;
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => Provider(o => o.DisableImdsV1 = true).GetCredentialsAsync().AsTask());
        Assert.Contains("HTTP 500", ex.Message);
        Assert.Contains("IMDSv1", ex.Message);
        Assert.Equal(0, _imds.RoleRequests + _imds.CredentialRequests);
    }

    [Fact]
    public async Task HardenedOnlyServer_RefusesNormalMode_WithTheConfiguredStatus()
    {
        _imds.RequireToken = true;
        _imds.TokenFault = MetadataFault.ServerError;
        var forbidden = await Assert.ThrowsAsync<CredentialsException>(() => Provider().FetchAsync().AsTask());
        Assert.Contains("HTTP 403", forbidden.Message);

        _imds.MissingTokenStatus = HttpStatusCode.Unauthorized;
        var unauthorized = await Assert.ThrowsAsync<CredentialsException>(() => Provider().FetchAsync().AsTask());
        Assert.Contains("HTTP 401", unauthorized.Message);
    }

    [Fact]
    public async Task StandIn_EnforcesTokenTtlRules()
    {
        using var http = new HttpClient();
        async Task<HttpStatusCode> Put(string? ttl)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_imds.BaseAddress, "/latest/api/token"));
            if (ttl is not null) request.Headers.Add("X-aliyun-ecs-metadata-token-ttl-seconds", ttl);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.BadRequest, await Put(null));
        Assert.Equal(HttpStatusCode.BadRequest, await Put("0"));
        Assert.Equal(HttpStatusCode.BadRequest, await Put("21601"));
        Assert.Equal(HttpStatusCode.OK, await Put("1"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync(new Uri(_imds.BaseAddress, "/latest/api/token"))).StatusCode);
    }

    [Fact]
    public async Task ExpiredMetadataToken_IsRefused_AndTheProviderRetriesInNormalMode()
    {
        using var http = new HttpClient();
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(_imds.BaseAddress, "/latest/api/token"));
        put.Headers.Add("X-aliyun-ecs-metadata-token-ttl-seconds", "60");
        var token = await (await http.SendAsync(put)).Content.ReadAsStringAsync();
        _time.Advance(TimeSpan.FromSeconds(61));
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(_imds.BaseAddress, "/latest/meta-data/ram/security-credentials/"));
        get.Headers.Add("X-aliyun-ecs-metadata-token", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(get)).StatusCode);

        // A token the service refuses (401) is retried once without it, unless normal mode is disabled (Java's rule).
        _imds.RejectAllTokens = true;
        var credentials = await Provider().FetchAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Contains("GET /latest/meta-data/ram/security-credentials/EcsRamRoleTest token=no", _imds.Log);
        var strict = await Assert.ThrowsAsync<CredentialsException>(() => Provider(o => o.DisableImdsV1 = true).FetchAsync().AsTask());
        Assert.Contains("HTTP 401", strict.Message);
    }

    [Fact]
    public async Task NoRoleAttached_Is404_WithAClearReason()
    {
        _imds.RoleName = null;
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => Provider().GetCredentialsAsync().AsTask());
        Assert.Equal("ecs_ram_role", ex.ProviderName);
        Assert.Contains("no RAM role", ex.Message);
    }

    [Fact]
    public async Task WrongRoleName_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => Provider(o => o.RoleName = "OtherRole").GetCredentialsAsync().AsTask());
        Assert.Contains("'OtherRole' was not found", ex.Message);
    }

    [Theory]
    [InlineData(MetadataFault.ServerError, "HTTP 500")]
    [InlineData(MetadataFault.MalformedJson, "not valid JSON")]
    [InlineData(MetadataFault.CodeFailed, "Code 'Failed'")]
    [InlineData(MetadataFault.MissingFields, "lacks AccessKeyId, AccessKeySecret or SecurityToken")]
    [InlineData(MetadataFault.Hang, "timed out")]
    public async Task CredentialFaults_AreErrors_WithoutSecrets(MetadataFault fault, string expected)
    {
        _imds.CredentialsFault = fault;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => Provider(o => o.Timeout = fault == MetadataFault.Hang ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(2)).GetCredentialsAsync().AsTask());
        Assert.Contains(expected, ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Secrets.AssertAbsent(Secrets.AllText(ex), MetadataServer.SecretOf(1), MetadataServer.TokenOf(1));
    }

    [Fact]
    public async Task RefreshesAheadOfExpiry_OnTheTestClock()
    {
        var provider = Provider();
        var first = await provider.GetCredentialsAsync();
        Assert.Equal(_time.GetUtcNow().AddHours(6), first.Expiration);
        _time.Advance(TimeSpan.FromHours(5.7)); // 18 min before expiry: still cached
        Assert.Same(first, await provider.GetCredentialsAsync());
        Assert.Equal(1, _imds.CredentialRequests);
        _time.Advance(TimeSpan.FromMinutes(4)); // 14 min before expiry: refreshed
        var second = await provider.GetCredentialsAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(2), second.AccessKeyId);
        Assert.Equal(2, _imds.CredentialRequests);
    }

    [Fact]
    public async Task RefreshFailure_ServesTheOldCredentialWhileValid_ThenFails_ThenRecovers()
    {
        var provider = Provider();
        var first = await provider.GetCredentialsAsync();
        _imds.CredentialsFault = MetadataFault.ServerError;
        _time.Advance(TimeSpan.FromHours(5.9));
        Assert.Same(first, await provider.GetCredentialsAsync());
        _time.Advance(TimeSpan.FromMinutes(6)); // past the expiry
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Contains("HTTP 500", ex.Message);
        _imds.CredentialsFault = MetadataFault.None;
        var recovered = await provider.GetCredentialsAsync();
        Assert.True(recovered.Expiration > _time.GetUtcNow());
        Assert.NotEqual(first.AccessKeyId, recovered.AccessKeyId);
    }

    [Fact]
    public async Task TwoHundredConcurrentCallers_TriggerExactlyOneMetadataFetch()
    {
        _imds.RequireToken = true;
        _imds.CredentialsDelay = TimeSpan.FromMilliseconds(300);
        var provider = Provider(o => o.Timeout = TimeSpan.FromSeconds(5));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 200).Select(_ => Task.Run(async () => { await start.Task; return await provider.GetCredentialsAsync(); })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(callers);
        Assert.Equal(1, _imds.CredentialRequests);
        Assert.Equal(1, _imds.TokenRequests);
        Assert.All(results, r => Assert.Equal(MetadataServer.AccessKeyIdOf(1), r.AccessKeyId));

        // And again when the refresh is due: one more fetch, and nobody gets the stale one after it.
        _time.Advance(TimeSpan.FromHours(5.9));
        var again = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => provider.GetCredentialsAsync().AsTask())));
        Assert.Equal(2, _imds.CredentialRequests);
        Assert.All(again, r => Assert.Equal(MetadataServer.AccessKeyIdOf(2), r.AccessKeyId));
    }

    [Fact]
    public void ToString_ShowsNoSecrets() =>
        Assert.DoesNotContain("secret", Provider().ToString(), StringComparison.OrdinalIgnoreCase);
}
