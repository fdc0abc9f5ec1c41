using System.Net;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Tests.StandIns;
using FunctionCompute.StandIns;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Credentials.Tests;

public sealed class EnvironmentProviderTests : IDisposable
{
    private readonly FakeEnvironment _env = new();
    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task ReadsTheVariables_AgainOnEveryCall()
    {
        var provider = new EnvironmentCredentialsProvider(_env.Environment);
        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "LTAIenv1").Set(CredentialsEnvironmentVariables.AccessKeySecret, "env-secret-1");
        var first = await provider.GetCredentialsAsync();
        Assert.Equal("LTAIenv1", first.AccessKeyId);
        Assert.False(first.IsTemporary);
        Assert.Null(first.Expiration);

        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "STS.env2").Set(CredentialsEnvironmentVariables.AccessKeySecret, "env-secret-2")
            .Set(CredentialsEnvironmentVariables.SecurityToken, "env-token-2");
        var second = await provider.GetCredentialsAsync();
        Assert.Equal("STS.env2", second.AccessKeyId);
        Assert.Equal("env-token-2", second.SecurityToken);
    }

    [Fact]
    public async Task MissingOrEmptyValues_AreErrorsThatNameTheVariable_NotTheSecret()
    {
        var provider = new EnvironmentCredentialsProvider(_env.Environment);
        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "").Set(CredentialsEnvironmentVariables.AccessKeySecret, "lonely-secret-do-not-leak");
        var noId = await Assert.ThrowsAsync<CredentialsException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Contains(CredentialsEnvironmentVariables.AccessKeyId, noId.Message);
        Secrets.AssertAbsent(Secrets.AllText(noId), "lonely-secret-do-not-leak");

        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "LTAIx").Set(CredentialsEnvironmentVariables.AccessKeySecret, "");
        var noSecret = await Assert.ThrowsAsync<CredentialsException>(() => provider.GetCredentialsAsync().AsTask());
        Assert.Contains(CredentialsEnvironmentVariables.AccessKeySecret, noSecret.Message);
    }

    [Fact]
    public async Task EmptyToken_MeansLongTermKeys()
    {
        _env.Set(CredentialsEnvironmentVariables.AccessKeyId, "LTAIx").Set(CredentialsEnvironmentVariables.AccessKeySecret, "s").Set(CredentialsEnvironmentVariables.SecurityToken, "");
        Assert.Null((await new EnvironmentCredentialsProvider(_env.Environment).GetCredentialsAsync()).SecurityToken);
    }
}

public sealed class CredentialsUriProviderTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private Microsoft.AspNetCore.Builder.WebApplication _app = null!;
    private Uri _base = null!;
    private Func<HttpContext, Task> _answer = c => Task.CompletedTask;
    private int _calls;

    public async Task InitializeAsync() => (_app, _base) = await Kestrel.StartAsync(c => { Interlocked.Increment(ref _calls); return _answer(c); });
    public async Task DisposeAsync() => await Kestrel.StopAsync(_app);

    private static Func<HttpContext, Task> Json(int status, string json) => c =>
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json";
        return c.Response.WriteAsync(json);
    };

    private CredentialsUriProvider Provider() =>
        new(new Uri(_base, "/creds?auth=query-secret-do-not-leak"), new CredentialsSettings { TimeProvider = _time, CredentialsUriTimeout = TimeSpan.FromSeconds(5) });

    [Fact]
    public async Task Success_IsParsed_AndCachedUntilTheRefreshWindow()
    {
        _answer = Json(200, """{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"uri-secret","SecurityToken":"uri-token","Expiration":"2026-11-23T11:00:00Z"}""");
        var provider = Provider();
        var credentials = await provider.GetCredentialsAsync();
        Assert.Equal("STS.uri", credentials.AccessKeyId);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero), credentials.Expiration);
        await provider.GetCredentialsAsync();
        Assert.Equal(1, _calls);
        _time.Advance(TimeSpan.FromMinutes(46));
        _answer = Json(200, """{"AccessKeyId":"STS.uri2","AccessKeySecret":"s2","SecurityToken":"t2","Expiration":"2026-11-23T12:00:00Z"}""");
        Assert.Equal("STS.uri2", (await provider.GetCredentialsAsync()).AccessKeyId); // a missing Code is accepted
    }

    [Theory]
    [InlineData(200, """{"Code":"Failed","AccessKeyId":"STS.x","AccessKeySecret":"body-secret-do-not-leak","SecurityToken":"t","Expiration":"2026-11-23T11:00:00Z"}""", "Code 'Failed'")]
    [InlineData(500, """{"Code":"Success"}""", "HTTP 500")]
    [InlineData(200, """{"AccessKeySecret":"body-secret-do-not-leak" """, "not valid JSON")]
    [InlineData(200, """{"Code":"Success","AccessKeyId":"STS.x","AccessKeySecret":"body-secret-do-not-leak","SecurityToken":"t"}""", "Expiration")]
    public async Task BadAnswers_AreErrors_WithoutSecretsOrTheQueryString(int status, string body, string expected)
    {
        _answer = Json(status, body);
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => Provider().GetCredentialsAsync().AsTask());
        Assert.Equal("credential_uri", ex.ProviderName);
        Assert.Contains(expected, ex.Message);
        Secrets.AssertAbsent(Secrets.AllText(ex), "body-secret-do-not-leak", "query-secret-do-not-leak");
        Secrets.AssertAbsent(Provider().ToString(), "query-secret-do-not-leak");
    }
}
