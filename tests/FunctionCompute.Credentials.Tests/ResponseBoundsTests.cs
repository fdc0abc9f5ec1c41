using System.Net;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;
using FunctionCompute.StandIns;

namespace FunctionCompute.Credentials.Tests;

/// <summary>
/// Security issue #13: STS, ECS metadata, credentials-URI and OIDC answers are bounded while read, and no redirect is
/// followed (the metadata token, the signed STS request or the OIDC token would go to its target). Real loopback
/// servers with the default (shared) HTTP handler; bodies are generated lazily and their writes counted.
/// </summary>
public class ResponseBoundsTests
{
    // The library's limit for JSON answers (ResponseLimits.MaxJsonBytes, internal).
    private const long JsonLimit = 64 * 1024;

    // In flight past the point where the client stops: socket and HTTP read buffers and the up-to-1-MiB drain the
    // handler attempts before closing a connection whose response was disposed unread (observed: under 1 MB).
    private const long Margin = 4L * 1024 * 1024;

    // Read whole by the code before the fix (then truncated); far beyond limit + margin.
    private const long EndlessBytes = 64L * 1024 * 1024;

    private const string CallerSecret = "caller-secret-do-not-leak";
    private const string CallerToken = "CAIScaller-token-do-not-leak";
    private const string MetadataToken = "metadata-token-do-not-leak";
    private const string OidcToken = "eyJoidc-token-do-not-leak";

    private static readonly CancellationToken Guard = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private static IEnumerable<ReadOnlyMemory<byte>> EndlessJson() =>
        HostileResponse.Repeat("{\"Code\":\"Success\",\"AccessKeyId\":\"", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", EndlessBytes);

    // The metadata token PUT is answered normally; every GET by `get`.
    private static HostileHttpServer Metadata(Func<RawRequest, HostileResponse, Task> get) => HostileHttpServer.Start((request, response) =>
        request.Method == "PUT" ? response.WriteAsync(200, MetadataToken) : get(request, response));

    private static Task Redirect(HostileResponse response, HostileHttpServer target, int status = 302) =>
        response.WriteAsync(status, "", ("Location", new Uri(target.BaseAddress, "collect").ToString()));

    private static StsClient Sts(HostileHttpServer server) => new(new StsClientOptions { Endpoint = server.BaseAddress.ToString() });

    private static async Task AssertStoppedReading(HostileHttpServer server)
    {
        var outcome = await server.FirstBody.Task.WaitAsync(Guard);
        Assert.True(outcome.ClientClosed, "the client kept the connection open");
        Assert.InRange(outcome.BytesWritten, JsonLimit, JsonLimit + Margin);
    }

    [Fact]
    public async Task Endless_sts_answer_fails_with_the_size_limit_and_the_client_stops_reading()
    {
        await using var server = HostileHttpServer.Start((_, response) => response.WriteBodyAsync(200, EndlessJson()));

        var e = await Assert.ThrowsAsync<StsException>(() =>
            Sts(server).AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1:role/r" }, new CloudCredentials("LTAI5tKey", CallerSecret)));

        Assert.Equal("ResponseTooLarge", e.Code);
        Assert.Contains("64 KiB", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsRetryable);
        await AssertStoppedReading(server);
    }

    [Fact]
    public async Task Endless_metadata_credential_document_fails_with_the_size_limit_and_the_client_stops_reading()
    {
        await using var server = Metadata((_, response) => response.WriteBodyAsync(200, EndlessJson()));
        var provider = new EcsRamRoleCredentialsProvider(new EcsRamRoleOptions { RoleName = "role", BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) });

        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());

        Assert.Contains("64 KiB", e.Message, StringComparison.Ordinal);
        await AssertStoppedReading(server);
    }

    [Fact]
    public async Task Endless_credentials_uri_answer_fails_with_the_size_limit_and_the_client_stops_reading()
    {
        await using var server = HostileHttpServer.Start((_, response) => response.WriteBodyAsync(200, EndlessJson()));
        var provider = new CredentialsUriProvider(new Uri(server.BaseAddress, "credentials"));

        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());

        Assert.Contains("64 KiB", e.Message, StringComparison.Ordinal);
        await AssertStoppedReading(server);
    }

    [Fact]
    public async Task Sts_redirect_is_an_error_and_its_target_gets_nothing()
    {
        await using var target = HostileHttpServer.Start((_, response) => response.WriteAsync(200, "{}"));
        await using var server = HostileHttpServer.Start((_, response) => Redirect(response, target));

        var e = await Assert.ThrowsAsync<StsException>(() =>
            Sts(server).AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1:role/r" }, new CloudCredentials("STS.caller", CallerSecret, CallerToken)));

        Assert.Equal(0, target.Connections); // the redirect was not followed: its target got no request at all
        Assert.Equal("RedirectNotFollowed", e.Code);
        Assert.Equal(HttpStatusCode.Found, e.StatusCode);
        Assert.Contains("302", e.Message, StringComparison.Ordinal);
        Secrets.AssertAbsent(Secrets.AllText(e), CallerSecret, CallerToken);
    }

    [Fact]
    public async Task Oidc_redirect_that_would_resend_the_token_is_an_error_and_its_target_gets_nothing()
    {
        using var env = new FakeEnvironment();
        var file = env.WriteFile("oidc-token", OidcToken);
        await using var target = HostileHttpServer.Start((_, response) => response.WriteAsync(200, "{}"));
        // 307 keeps the method and the form body (the OIDC token) on the way to the target.
        await using var server = HostileHttpServer.Start((_, response) => Redirect(response, target, 307));
        var provider = new OidcRoleCredentialsProvider(
            new OidcRoleOptions { RoleArn = "acs:ram::1:role/r", OidcProviderArn = "acs:ram::1:oidc-provider/p", OidcTokenFile = file }, Sts(server));

        var e = await Assert.ThrowsAsync<StsException>(async () => await provider.FetchAsync());

        Assert.Equal(0, target.Connections); // the redirect was not followed: its target got no request at all
        Assert.Equal("RedirectNotFollowed", e.Code);
        Assert.Contains("307", e.Message, StringComparison.Ordinal);
        Secrets.AssertAbsent(Secrets.AllText(e), OidcToken);
    }

    [Fact]
    public async Task Metadata_redirect_is_an_error_and_its_target_never_sees_the_token()
    {
        await using var target = HostileHttpServer.Start((_, response) => response.WriteAsync(200, "role"));
        await using var server = Metadata((_, response) => Redirect(response, target));
        var provider = new EcsRamRoleCredentialsProvider(new EcsRamRoleOptions { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) });

        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());

        Assert.Equal(0, target.Connections); // the redirect was not followed: its target got no request at all
        Assert.Contains("HTTP 302", e.Message, StringComparison.Ordinal);
        Assert.Contains(server.Requests, r => r.Headers.TryGetValue(EcsRamRoleCredentialsProvider.TokenHeader, out var t) && t == MetadataToken);
        Secrets.AssertAbsent(Secrets.AllText(e), MetadataToken);
    }

    [Fact]
    public async Task Credentials_uri_redirect_is_an_error_and_its_target_gets_nothing()
    {
        await using var target = HostileHttpServer.Start((_, response) => response.WriteAsync(200, "{}"));
        await using var server = HostileHttpServer.Start((_, response) => Redirect(response, target, 301));
        var provider = new CredentialsUriProvider(new Uri(server.BaseAddress, "credentials?sig=query-secret-do-not-leak"));

        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());

        Assert.Equal(0, target.Connections); // the redirect was not followed: its target got no request at all
        Assert.Contains("HTTP 301", e.Message, StringComparison.Ordinal);
        Secrets.AssertAbsent(Secrets.AllText(e), "query-secret-do-not-leak");
    }

    [Fact]
    public async Task Answer_reached_through_a_redirect_by_an_injected_client_is_not_used()
    {
        // The client's own handler follows redirects (the default of a bare SocketsHttpHandler): the request reaches
        // the target before the library sees anything, but the target's credentials must not be accepted.
        await using var target = HostileHttpServer.Start((_, response) => response.WriteAsync(200,
            "{\"Code\":\"Success\",\"AccessKeyId\":\"STS.attacker\",\"AccessKeySecret\":\"s\",\"SecurityToken\":\"t\",\"Expiration\":\"2099-01-01T00:00:00Z\"}"));
        await using var server = HostileHttpServer.Start((_, response) => Redirect(response, target));
        using var following = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        var provider = new CredentialsUriProvider(new Uri(server.BaseAddress, "credentials"), new CredentialsSettings { HttpClient = following });

        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());

        Assert.Contains("follows redirects", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, target.Connections);
    }

    [Fact]
    public async Task Oversized_oidc_token_file_is_refused_before_calling_sts()
    {
        using var env = new FakeEnvironment();
        var file = env.WriteFile("oidc-token", new string('t', (int)JsonLimit + 1));
        await using var sts = HostileHttpServer.Start((_, response) => response.WriteAsync(500, "{}"));
        var provider = new OidcRoleCredentialsProvider(
            new OidcRoleOptions { RoleArn = "acs:ram::1:role/r", OidcProviderArn = "acs:ram::1:oidc-provider/p", OidcTokenFile = file }, Sts(sts));

        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());

        Assert.Contains("64 KiB", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, sts.Connections);
    }

    [Fact]
    public async Task Cancelled_credentials_uri_call_stops_reading_and_closes_the_connection()
    {
        await using var server = HostileHttpServer.Start((_, response) => response.WriteBodyAsync(200, EndlessJson(), pause: TimeSpan.FromMilliseconds(5)));
        server.SignalAfterBodyBytes = 4 * 1024;
        var provider = new CredentialsUriProvider(new Uri(server.BaseAddress, "credentials"), new CredentialsSettings { CredentialsUriTimeout = TimeSpan.FromMinutes(5) });
        using var cancel = new CancellationTokenSource();

        var fetch = provider.FetchAsync(cancel.Token).AsTask();
        await server.BodyBytesReached.Task.WaitAsync(Guard);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
        var outcome = await server.FirstBody.Task.WaitAsync(Guard);
        Assert.True(outcome.ClientClosed);
        Assert.True(outcome.BytesWritten < EndlessBytes);
    }
}
