using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.StandIns;

/// <summary>How the stand-in answers a metadata request it has been told to fail.</summary>
public enum MetadataFault
{
    None,
    ServerError,    // 500
    Hang,           // never answers (until the client gives up)
    MalformedJson,  // 200 with a broken body that contains the would-be secret
    CodeFailed,     // 200 with "Code": "Failed"
    MissingFields,  // 200, Code Success, no SecurityToken
    NotFound,       // 404
}

/// <summary>
/// The ECS instance metadata service on loopback: <c>PUT /latest/api/token</c> (security hardening mode,
/// <c>X-aliyun-ecs-metadata-token-ttl-seconds</c> 1..21600 required, tokens expire on the test's clock),
/// <c>GET /latest/meta-data/ram/security-credentials/</c> (role name) and <c>.../&lt;role&gt;</c> (the credential
/// JSON). With <see cref="RequireToken"/> a GET without a token is refused (<see cref="MissingTokenStatus"/>,
/// 403 by default); an unknown or expired token is refused with 401.
/// </summary>
public sealed class MetadataServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _generation;
    private int _tokenRequests, _roleRequests, _credentialRequests;

    public Uri BaseAddress { get; }

    /// <summary>The attached role; null: no role attached (discovery and credentials answer 404).</summary>
    public string? RoleName { get; set; } = "EcsRamRoleTest";

    /// <summary>Hardened-only mode: GETs without a valid token are refused.</summary>
    public bool RequireToken { get; set; }

    /// <summary>Refuse every token with 401 (as if they had all expired).</summary>
    public bool RejectAllTokens { get; set; }

    /// <summary>What a GET without a token gets in hardened-only mode.</summary>
    public HttpStatusCode MissingTokenStatus { get; set; } = HttpStatusCode.Forbidden;

    /// <summary>Fault of the token PUT (ServerError, Hang, NotFound are meaningful).</summary>
    public MetadataFault TokenFault { get; set; }

    /// <summary>Fault of the credentials GET, for the next <see cref="CredentialsFaultCount"/> requests (-1: until cleared).</summary>
    public MetadataFault CredentialsFault { get; set; }
    public int CredentialsFaultCount { get; set; } = -1;

    /// <summary>Delay before answering the credentials GET (concurrency tests).</summary>
    public TimeSpan CredentialsDelay { get; set; }

    /// <summary>Lifetime of issued credentials (from the test clock), unless <see cref="FixedExpiration"/> is set.</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(6);
    public DateTimeOffset? FixedExpiration { get; set; }

    public int TokenRequests => Volatile.Read(ref _tokenRequests);
    public int RoleRequests => Volatile.Read(ref _roleRequests);
    public int CredentialRequests => Volatile.Read(ref _credentialRequests);
    public int Issued => Volatile.Read(ref _generation);

    /// <summary>Every request as "METHOD path token=yes|no [ttl=N]".</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public static string AccessKeyIdOf(int generation) => $"STS.ecs{generation:D4}";
    public static string SecretOf(int generation) => $"ecs-secret-{generation:D4}-do-not-leak";
    public static string TokenOf(int generation) => $"CAISecs-token-{generation:D4}-do-not-leak";

    private MetadataServer(WebApplication app, Uri baseAddress, TimeProvider time)
    {
        _app = app;
        BaseAddress = baseAddress;
        _time = time;
    }

    public static async Task<MetadataServer> StartAsync(TimeProvider? time = null)
    {
        MetadataServer? server = null;
        var (app, address) = await Kestrel.StartAsync(context => server!.HandleAsync(context));
        server = new MetadataServer(app, address, time ?? TimeProvider.System);
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var token = request.Headers["X-aliyun-ecs-metadata-token"].ToString();
        var ttlHeader = request.Headers["X-aliyun-ecs-metadata-token-ttl-seconds"].ToString();
        Log.Enqueue($"{request.Method} {path} token={(token.Length > 0 ? "yes" : "no")}{(ttlHeader.Length > 0 ? " ttl=" + ttlHeader : "")}");

        if (path == "/latest/api/token")
        {
            Interlocked.Increment(ref _tokenRequests);
            if (!HttpMethods.IsPut(request.Method)) { await Plain(context, 405, "Method Not Allowed"); return; }
            switch (TokenFault)
            {
                case MetadataFault.ServerError: await Plain(context, 500, "Internal Server Error"); return;
                case MetadataFault.NotFound: await Plain(context, 404, "Not Found"); return;
                case MetadataFault.Hang: await HangAsync(context); return;
            }
            if (!int.TryParse(ttlHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl is < 1 or > 21600)
            {
                await Plain(context, 400, "Bad Request: X-aliyun-ecs-metadata-token-ttl-seconds must be 1..21600");
                return;
            }
            var issued = "AQAEA" + Guid.NewGuid().ToString("N");
            _tokens[issued] = _time.GetUtcNow().AddSeconds(ttl);
            await Plain(context, 200, issued);
            return;
        }

        const string prefix = "/latest/meta-data/ram/security-credentials/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) { await Plain(context, 404, "Not Found"); return; }
        if (!HttpMethods.IsGet(request.Method)) { await Plain(context, 405, "Method Not Allowed"); return; }

        if (token.Length > 0)
        {
            if (RejectAllTokens || !_tokens.TryGetValue(token, out var expires) || _time.GetUtcNow() >= expires)
            {
                await Plain(context, 401, "Unauthorized");
                return;
            }
        }
        else if (RequireToken)
        {
            await Plain(context, (int)MissingTokenStatus, MissingTokenStatus == HttpStatusCode.Forbidden ? "Forbidden" : "Unauthorized");
            return;
        }

        var role = Uri.UnescapeDataString(path[prefix.Length..]);
        if (role.Length == 0)
        {
            Interlocked.Increment(ref _roleRequests);
            if (RoleName is null) { await Plain(context, 404, "Not Found"); return; }
            await Plain(context, 200, RoleName + "\n");
            return;
        }

        Interlocked.Increment(ref _credentialRequests);
        if (CredentialsDelay > TimeSpan.Zero) await Task.Delay(CredentialsDelay, context.RequestAborted);
        if (RoleName is null || role != RoleName) { await Plain(context, 404, "Not Found"); return; }

        var fault = CredentialsFault;
        if (fault != MetadataFault.None && CredentialsFaultCount != 0)
        {
            if (CredentialsFaultCount > 0) CredentialsFaultCount--;
            var doomed = Interlocked.Increment(ref _generation); // the would-be secret of a broken answer
            switch (fault)
            {
                case MetadataFault.ServerError: await Plain(context, 500, "Internal Server Error"); return;
                case MetadataFault.NotFound: await Plain(context, 404, "Not Found"); return;
                case MetadataFault.Hang: await HangAsync(context); return;
                case MetadataFault.MalformedJson:
                    await Json(context, 200, $"{{\"AccessKeyId\":\"{AccessKeyIdOf(doomed)}\",\"AccessKeySecret\":\"{SecretOf(doomed)}\",\"SecurityToken\":");
                    return;
                case MetadataFault.CodeFailed:
                    await Json(context, 200, JsonSerializer.Serialize(new Dictionary<string, string>
                    {
                        ["Code"] = "Failed",
                        ["AccessKeyId"] = AccessKeyIdOf(doomed),
                        ["AccessKeySecret"] = SecretOf(doomed),
                        ["SecurityToken"] = TokenOf(doomed),
                        ["Expiration"] = Format(_time.GetUtcNow().AddHours(6)),
                    }));
                    return;
                case MetadataFault.MissingFields:
                    await Json(context, 200, JsonSerializer.Serialize(new Dictionary<string, string>
                    {
                        ["Code"] = "Success",
                        ["AccessKeyId"] = AccessKeyIdOf(doomed),
                        ["AccessKeySecret"] = SecretOf(doomed),
                        ["Expiration"] = Format(_time.GetUtcNow().AddHours(6)),
                    }));
                    return;
            }
        }

        var generation = Interlocked.Increment(ref _generation);
        var now = _time.GetUtcNow();
        await Json(context, 200, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["AccessKeyId"] = AccessKeyIdOf(generation),
            ["AccessKeySecret"] = SecretOf(generation),
            ["Expiration"] = Format(FixedExpiration ?? now + CredentialLifetime),
            ["SecurityToken"] = TokenOf(generation),
            ["LastUpdated"] = Format(now),
            ["Code"] = "Success",
        }));
    }

    private async Task HangAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try { await Task.Delay(Timeout.Infinite, linked.Token); } catch (OperationCanceledException) { }
    }

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Task Plain(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(body);
    }

    private static Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await Kestrel.StopAsync(_app);
        _stopping.Dispose();
    }
}
