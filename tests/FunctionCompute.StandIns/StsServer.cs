using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionCompute.Credentials.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.StandIns;

/// <summary>One request as the STS stand-in saw it.</summary>
public sealed record StsRecordedRequest(string Method, string RawQuery, string Body, Dictionary<string, string> Parameters, Dictionary<string, string> Headers);

/// <summary>Credentials the stand-in issued (for tests that hand them to another stand-in, e.g. the OSS emulator).</summary>
public sealed record StsIssuedCredentials(string RoleArn, string AccessKeyId, string AccessKeySecret, string SecurityToken, DateTimeOffset Expiration);

/// <summary>A role the stand-in knows.</summary>
public sealed class StsRole
{
    public int MaxSessionDuration { get; init; } = 3600;
    public string? RequiredExternalId { get; init; }
    public string RoleId { get; init; } = "3" + Random.Shared.NextInt64(1_000_000_000_000_000, 9_999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// STS on loopback. It verifies POP RPC v1 signatures by recomputing them from the request's query and
/// form parameters with the caller's known secret (<see cref="AccessKeys"/>, or STS keys it issued itself,
/// which must come with their <c>SecurityToken</c>); checks <c>Timestamp</c> format and skew (15 min),
/// <c>SignatureNonce</c> reuse, the action's parameters (<c>MissingRoleArn</c>, <c>MissingRoleSessionName</c>,
/// <c>InvalidParameter.RoleSessionName</c>, <c>InvalidParameter.DurationSeconds</c>, <c>EntityNotExist.Role</c>,
/// ExternalId); answers the real JSON shapes; and can be told to fail.
/// </summary>
public sealed partial class StsServer : IAsyncDisposable
{
    public const string ErrorPrefix = "Specified signature is not matched with our calculation. server string to sign is:";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, byte> _nonces = new();
    private readonly ConcurrentDictionary<string, (string Secret, string Token, DateTimeOffset Expiration)> _issued = new();
    private readonly ConcurrentQueue<(HttpStatusCode Status, string Code, string Message, string? RawBody)> _failures = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, int> _successesByRole = new();
    private int _successes;
    private int _counter;

    public Uri BaseAddress { get; }
    public string Endpoint => BaseAddress.ToString();
    public string AccountId { get; set; } = "1234567890123456";

    /// <summary>Long-term keys: AccessKeyId → secret.</summary>
    public ConcurrentDictionary<string, string> AccessKeys { get; } = new();

    /// <summary>Roles by ARN.</summary>
    public ConcurrentDictionary<string, StsRole> Roles { get; } = new();

    /// <summary>OIDC providers by ARN → the token they accept.</summary>
    public ConcurrentDictionary<string, string> OidcProviders { get; } = new();

    public TimeSpan AllowedSkew { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan Delay { get; set; }
    /// <summary>Lifetime of issued credentials regardless of <c>DurationSeconds</c> (refresh tests); null: the requested duration (default 3600 s).</summary>
    public TimeSpan? IssuedLifetime { get; set; }

    /// <summary>Called with every set of credentials issued, before the answer is sent.</summary>
    public Action<StsIssuedCredentials>? OnIssued { get; set; }

    /// <summary>Answer 200 without a Credentials object (a broken server).</summary>
    public bool OmitCredentials { get; set; }

    public ConcurrentQueue<StsRecordedRequest> Requests { get; } = new();
    /// <summary>Successful AssumeRole / AssumeRoleWithOIDC answers.</summary>
    public int Successes => Volatile.Read(ref _successes);

    private StsServer(WebApplication app, Uri baseAddress, TimeProvider time)
    {
        _app = app;
        BaseAddress = baseAddress;
        _time = time;
    }

    public static async Task<StsServer> StartAsync(TimeProvider? time = null)
    {
        StsServer? server = null;
        var (app, address) = await Kestrel.StartAsync(context => server!.HandleAsync(context));
        server = new StsServer(app, address, time ?? TimeProvider.System);
        return server;
    }

    public string RoleArn(string name) => $"acs:ram::{AccountId}:role/{name}";

    /// <summary>
    /// Accepts STS credentials issued elsewhere (an FC invocation's, from its <c>x-fc-*</c> headers) as a caller:
    /// requests signed with them must carry the same <c>SecurityToken</c>, and are refused once <paramref name="expiration"/> passes.
    /// </summary>
    public void AddSessionCredentials(string accessKeyId, string accessKeySecret, string securityToken, DateTimeOffset? expiration = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(accessKeySecret);
        ArgumentException.ThrowIfNullOrEmpty(securityToken);
        _issued[accessKeyId] = (accessKeySecret, securityToken, expiration ?? DateTimeOffset.MaxValue);
    }

    /// <summary>Forgets a caller key (long-term, session or issued): its requests then fail with <c>InvalidAccessKeyId.NotFound</c>.</summary>
    public void Revoke(string accessKeyId)
    {
        AccessKeys.TryRemove(accessKeyId, out _);
        _issued.TryRemove(accessKeyId, out _);
    }

    /// <summary>Successful <c>AssumeRole</c> / <c>AssumeRoleWithOIDC</c> answers for <paramref name="roleArn"/>.</summary>
    public int SuccessesFor(string roleArn) => _successesByRole.GetValueOrDefault(roleArn);

    /// <summary>The next <paramref name="count"/> requests fail with this error (<paramref name="rawBody"/>: a non-JSON body instead).</summary>
    public void FailNext(HttpStatusCode status, string code, string message, int count = 1, string? rawBody = null)
    {
        for (var i = 0; i < count; i++) _failures.Enqueue((status, code, message, rawBody));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query) parameters[key] = value.ToString();
        var body = "";
        if (request.HasFormContentType)
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync();
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                var k = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                var v = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
                parameters[k] = v;
            }
        }
        Requests.Enqueue(new StsRecordedRequest(request.Method, request.QueryString.Value ?? "", body, parameters,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));

        if (Delay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try { await Task.Delay(Delay, linked.Token); } catch (OperationCanceledException) { return; }
        }
        if (_failures.TryDequeue(out var failure))
        {
            if (failure.RawBody is { } raw)
            {
                context.Response.StatusCode = (int)failure.Status;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync(raw);
                return;
            }
            await Error(context, failure.Status, failure.Code, failure.Message);
            return;
        }

        string P(string name) => parameters.TryGetValue(name, out var v) ? v : "";
        var action = P("Action");
        if (P("Format") is { Length: > 0 } format && format != "JSON") { await Error(context, HttpStatusCode.BadRequest, "InvalidParameter.Format", "The specified parameter Format is not valid."); return; }
        if (P("Version") != "2015-04-01") { await Error(context, HttpStatusCode.BadRequest, "InvalidVersion", "Specified parameter Version is not valid."); return; }

        // Timestamp: format and skew.
        var timestamp = P("Timestamp");
        if (timestamp.Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingTimestamp", "Timestamp is mandatory for this action."); return; }
        if (!DateTimeOffset.TryParseExact(timestamp, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var sent))
        {
            await Error(context, HttpStatusCode.BadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
            return;
        }
        if ((sent - _time.GetUtcNow()).Duration() > AllowedSkew)
        {
            await Error(context, HttpStatusCode.BadRequest, "InvalidTimeStamp.Expired", $"Specified time stamp or date value is expired. The current time is {_time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}.");
            return;
        }

        if (action == "AssumeRoleWithOIDC")
        {
            await AssumeRoleWithOidcAsync(context, parameters);
            return;
        }

        // Signature.
        var keyId = P("AccessKeyId");
        if (keyId.Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingAccessKeyId", "AccessKeyId is mandatory for this action."); return; }
        if (P("Signature").Length == 0) { await Error(context, HttpStatusCode.BadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards."); return; }
        if (P("SignatureMethod") != "HMAC-SHA1" || P("SignatureVersion") != "1.0")
        {
            await Error(context, HttpStatusCode.BadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards.");
            return;
        }
        string secret;
        if (AccessKeys.TryGetValue(keyId, out var longTerm))
        {
            secret = longTerm;
        }
        else if (_issued.TryGetValue(keyId, out var sts))
        {
            secret = sts.Secret;
            if (P("SecurityToken").Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingSecurityToken", "SecurityToken is mandatory for this action."); return; }
        }
        else
        {
            await Error(context, HttpStatusCode.NotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
            return;
        }
        var stringToSign = RpcSignature.StringToSign(request.Method, parameters);
        if (!RpcSignature.SignaturesEqual(RpcSignature.Sign(stringToSign, secret), P("Signature")))
        {
            await Error(context, HttpStatusCode.BadRequest, "SignatureDoesNotMatch", ErrorPrefix + stringToSign);
            return;
        }
        if (_issued.TryGetValue(keyId, out var issued))
        {
            if (issued.Token != P("SecurityToken")) { await Error(context, HttpStatusCode.BadRequest, "InvalidSecurityToken.MismatchWithAccessKey", "The security token you provided does not match the access key."); return; }
            if (_time.GetUtcNow() >= issued.Expiration) { await Error(context, HttpStatusCode.BadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."); return; }
        }
        var nonce = P("SignatureNonce");
        if (nonce.Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingSignatureNonce", "SignatureNonce is mandatory for this action."); return; }
        if (!_nonces.TryAdd(nonce, 0)) { await Error(context, HttpStatusCode.BadRequest, "SignatureNonceUsed", "Specified signature nonce was used already."); return; }

        if (action != "AssumeRole") { await Error(context, HttpStatusCode.NotFound, "InvalidAction.NotFound", $"Specified api is not found, please check your url and method."); return; }
        await AssumeRoleAsync(context, parameters, P("ExternalId"));
    }

    private async Task AssumeRoleAsync(HttpContext context, Dictionary<string, string> parameters, string externalId)
    {
        if (!await CheckCommonAsync(context, parameters)) return;
        var role = Roles[parameters["RoleArn"]];
        if (role.RequiredExternalId is { } required && required != externalId)
        {
            await Error(context, HttpStatusCode.Forbidden, "NoPermission", "You are not authorized to do this action. You should be authorized by RAM.");
            return;
        }
        await IssueAsync(context, parameters, role);
    }

    private async Task AssumeRoleWithOidcAsync(HttpContext context, Dictionary<string, string> parameters)
    {
        if (parameters.ContainsKey("Signature") || parameters.ContainsKey("AccessKeyId"))
        {
            await Error(context, HttpStatusCode.BadRequest, "InvalidParameter", "AssumeRoleWithOIDC is an anonymous call.");
            return;
        }
        var providerArn = parameters.GetValueOrDefault("OIDCProviderArn", "");
        if (providerArn.Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingOIDCProviderArn", "OIDCProviderArn is mandatory for this action."); return; }
        if (parameters.GetValueOrDefault("OIDCToken", "").Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingOIDCToken", "OIDCToken is mandatory for this action."); return; }
        if (!await CheckCommonAsync(context, parameters)) return;
        if (!OidcProviders.TryGetValue(providerArn, out var expected)) { await Error(context, HttpStatusCode.NotFound, "EntityNotExist.OIDCProvider", "The specified OIDC provider does not exist."); return; }
        if (expected != parameters["OIDCToken"]) { await Error(context, HttpStatusCode.BadRequest, "AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid."); return; }
        await IssueAsync(context, parameters, Roles[parameters["RoleArn"]]);
    }

    private async Task<bool> CheckCommonAsync(HttpContext context, Dictionary<string, string> parameters)
    {
        var roleArn = parameters.GetValueOrDefault("RoleArn", "");
        if (roleArn.Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingRoleArn", "RoleArn is mandatory for this action."); return false; }
        var session = parameters.GetValueOrDefault("RoleSessionName", "");
        if (session.Length == 0) { await Error(context, HttpStatusCode.BadRequest, "MissingRoleSessionName", "RoleSessionName is mandatory for this action."); return false; }
        if (!SessionName().IsMatch(session)) { await Error(context, HttpStatusCode.BadRequest, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed."); return false; }
        if (!Roles.TryGetValue(roleArn, out var role)) { await Error(context, HttpStatusCode.NotFound, "EntityNotExist.Role", "The role not exists: " + roleArn); return false; }
        if (parameters.TryGetValue("DurationSeconds", out var durationText)
            && (!int.TryParse(durationText, NumberStyles.None, CultureInfo.InvariantCulture, out var duration) || duration < 900 || duration > role.MaxSessionDuration))
        {
            await Error(context, HttpStatusCode.BadRequest, "InvalidParameter.DurationSeconds", $"The Min/Max value of DurationSeconds is 15min/{role.MaxSessionDuration / 3600}hr.");
            return false;
        }
        if (parameters.TryGetValue("Policy", out var policy) && (policy.Length is 0 or > 2048 || !IsJson(policy)))
        {
            await Error(context, HttpStatusCode.BadRequest, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check.");
            return false;
        }
        return true;
    }

    private async Task IssueAsync(HttpContext context, Dictionary<string, string> parameters, StsRole role)
    {
        var duration = parameters.TryGetValue("DurationSeconds", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 3600;
        var n = Interlocked.Increment(ref _counter);
        var id = $"STS.NT{n:D4}{Guid.NewGuid():N}"[..28];
        var secret = $"sts-secret-{n:D4}-{Guid.NewGuid():N}";
        var token = $"CAIS-sts-token-{n:D4}-{Guid.NewGuid():N}";
        var expiration = _time.GetUtcNow() + (IssuedLifetime ?? TimeSpan.FromSeconds(duration));
        _issued[id] = (secret, token, expiration);
        var roleArn = parameters["RoleArn"];
        _successesByRole.AddOrUpdate(roleArn, 1, (_, count) => count + 1);
        OnIssued?.Invoke(new StsIssuedCredentials(roleArn, id, secret, token, expiration));
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var account = roleArn.Split(':') is { Length: >= 5 } parts ? parts[3] : AccountId;
        var session = parameters["RoleSessionName"];
        Interlocked.Increment(ref _successes);
        var answer = new Dictionary<string, object>
        {
            ["RequestId"] = Guid.NewGuid().ToString().ToUpperInvariant(),
            ["AssumedRoleUser"] = new Dictionary<string, string>
            {
                ["Arn"] = $"acs:ram::{account}:role/{roleName}/{session}",
                ["AssumedRoleId"] = $"{role.RoleId}:{session}",
            },
        };
        if (!OmitCredentials)
        {
            answer["Credentials"] = new Dictionary<string, string>
            {
                ["SecurityToken"] = token,
                ["AccessKeyId"] = id,
                ["AccessKeySecret"] = secret,
                ["Expiration"] = expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json;charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer));
    }

    /// <summary>Whether this stand-in issued the key (and what secret it has).</summary>
    public bool TryGetIssued(string accessKeyId, out string secret)
    {
        var found = _issued.TryGetValue(accessKeyId, out var entry);
        secret = entry.Secret;
        return found;
    }

    private static bool IsJson(string text)
    {
        try { using var _ = JsonDocument.Parse(text); return true; } catch (JsonException) { return false; }
    }

    private Task Error(HttpContext context, HttpStatusCode status, string code, string message)
    {
        var requestId = Guid.NewGuid().ToString().ToUpperInvariant();
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json;charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["RequestId"] = requestId,
            ["HostId"] = "sts.aliyuncs.com",
            ["Code"] = code,
            ["Message"] = message,
            ["Recommend"] = $"https://api.alibabacloud.com/troubleshoot?q={code}&product=Sts&requestId={requestId}",
        }));
    }

    [GeneratedRegex("^[A-Za-z0-9.@_-]{2,64}$")]
    private static partial Regex SessionName();

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await Kestrel.StopAsync(_app);
        _stopping.Dispose();
    }
}
