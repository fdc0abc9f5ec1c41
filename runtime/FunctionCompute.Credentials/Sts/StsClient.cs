using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Credentials.Signing;

namespace FunctionCompute.Credentials.Sts;

/// <summary>Settings of an <see cref="StsClient"/>.</summary>
public sealed class StsClientOptions
{
    /// <summary>Host name (HTTPS) or absolute URL of STS. Null: resolved by <see cref="StsEndpoints.Resolve"/> from <see cref="RegionId"/> / <see cref="UseVpcEndpoint"/> / the environment.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Region of a regional endpoint (<c>sts.&lt;region&gt;.aliyuncs.com</c>).</summary>
    public string? RegionId { get; set; }

    /// <summary>Use <c>sts-vpc.&lt;region&gt;.aliyuncs.com</c> (with a region only).</summary>
    public bool UseVpcEndpoint { get; set; }

    /// <summary>Environment for <c>ALIBABA_CLOUD_STS_REGION</c> / <c>ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED</c>; null: not consulted.</summary>
    public CredentialsEnvironment? Environment { get; set; }

    /// <summary>HTTP client; null: a shared internal one (5 s connect timeout, no redirects). It must not follow redirects (see <see cref="CredentialsSettings.HttpClient"/>).</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Whole-call timeout (the SDKs read for 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Clock for <c>Timestamp</c> and default session names.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary><c>POST</c> (common parameters in the query, API parameters in a form body, as credentials-go/Node do) or <c>GET</c> (all in the query, as credentials-java does).</summary>
    public HttpMethod Method { get; set; } = HttpMethod.Post;

    /// <summary>Makes each <c>SignatureNonce</c>; null: a random GUID. For tests.</summary>
    public Func<string>? NonceGenerator { get; set; }

    /// <summary>Value of the <c>x-acs-credentials-provider</c> header (the SDKs send the source provider's name).</summary>
    public string? CredentialsProviderHeader { get; set; }
}

/// <summary>
/// A small STS client: <c>AssumeRole</c> signed with POP RPC signature v1 (HMAC-SHA1) and the anonymous
/// <c>AssumeRoleWithOIDC</c>. Thread-safe. Errors surface as <see cref="StsException"/>.
/// </summary>
public sealed class StsClient
{
    /// <summary>The STS API version.</summary>
    public const string ApiVersion = "2015-04-01";

    private readonly StsClientOptions _options;
    private readonly HttpClient _http;

    /// <summary>Creates a client.</summary>
    public StsClient(StsClientOptions? options = null)
    {
        _options = options ?? new StsClientOptions();
        if (_options.Method != HttpMethod.Post && _options.Method != HttpMethod.Get)
            throw new ArgumentException("STS calls are sent with GET or POST.", nameof(options));
        _http = _options.HttpClient ?? SharedHttp.Client;
        BaseAddress = StsEndpoints.ToBaseUri(StsEndpoints.Resolve(_options.Endpoint, _options.RegionId, _options.UseVpcEndpoint, _options.Environment));
    }

    /// <summary>The endpoint calls go to.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Assumes <paramref name="request"/>'s role, signing with <paramref name="credentials"/> (an access key, or STS credentials for role chaining).</summary>
    /// <exception cref="StsException">STS refused, or the answer was unusable.</exception>
    public async Task<AssumeRoleResult> AssumeRoleAsync(AssumeRoleRequest request, CloudCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.RoleArn, nameof(request.RoleArn));
        if (credentials.IsEmpty) throw new ArgumentException("AssumeRole needs credentials to sign with.", nameof(credentials));
        if (request.DurationSeconds is < 900)
            throw new ArgumentOutOfRangeException(nameof(request), request.DurationSeconds, "session duration should be in the range of 900s - max session duration");

        var now = _options.TimeProvider.GetUtcNow();
        var common = CommonParameters("AssumeRole", now);
        common.Add(new("AccessKeyId", credentials.AccessKeyId));
        common.Add(new("SignatureMethod", RpcSignature.SignatureMethod));
        common.Add(new("SignatureVersion", RpcSignature.SignatureVersion));
        common.Add(new("SignatureNonce", _options.NonceGenerator?.Invoke() ?? Guid.NewGuid().ToString()));
        if (credentials.SecurityToken is { } token) common.Add(new("SecurityToken", token));

        var api = new List<KeyValuePair<string, string>>
        {
            new("RoleArn", request.RoleArn),
            new("RoleSessionName", request.RoleSessionName ?? DefaultSessionName(now)),
        };
        if (request.DurationSeconds is { } duration) api.Add(new("DurationSeconds", duration.ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(request.Policy)) api.Add(new("Policy", request.Policy));
        if (!string.IsNullOrEmpty(request.ExternalId)) api.Add(new("ExternalId", request.ExternalId));

        var signature = RpcSignature.Sign(_options.Method.Method, common.Concat(api), credentials.AccessKeySecret);
        common.Add(new("Signature", signature));
        return await SendAsync(common, api, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Assumes a role with an OIDC token (no access key, no signature).</summary>
    /// <exception cref="StsException">STS refused, or the answer was unusable.</exception>
    public async Task<AssumeRoleResult> AssumeRoleWithOidcAsync(AssumeRoleWithOidcRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.RoleArn, nameof(request.RoleArn));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.OidcProviderArn, nameof(request.OidcProviderArn));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.OidcToken, nameof(request.OidcToken));
        if (request.DurationSeconds is < 900)
            throw new ArgumentOutOfRangeException(nameof(request), request.DurationSeconds, "session duration should be in the range of 900s - max session duration");
        var now = _options.TimeProvider.GetUtcNow();
        var common = CommonParameters("AssumeRoleWithOIDC", now);
        var api = new List<KeyValuePair<string, string>>
        {
            new("RoleArn", request.RoleArn),
            new("OIDCProviderArn", request.OidcProviderArn),
            new("OIDCToken", request.OidcToken),
            new("RoleSessionName", request.RoleSessionName ?? DefaultSessionName(now)),
        };
        if (request.DurationSeconds is { } duration) api.Add(new("DurationSeconds", duration.ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(request.Policy)) api.Add(new("Policy", request.Policy));
        return await SendAsync(common, api, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The default session name, <c>credentials-dotnet-&lt;unix ms&gt;</c>.</summary>
    public static string DefaultSessionName(DateTimeOffset now) => "credentials-dotnet-" + now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static List<KeyValuePair<string, string>> CommonParameters(string action, DateTimeOffset now) =>
    [
        new("Action", action),
        new("Version", ApiVersion),
        new("Format", "JSON"),
        new("Timestamp", RpcSignature.FormatTimestamp(now)),
    ];

    private static string Encode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => RpcSignature.PercentEncode(p.Key) + "=" + RpcSignature.PercentEncode(p.Value)));

    // The action is the first common parameter (CommonParameters): AssumeRole or AssumeRoleWithOIDC.
    private static ClientCall StsCall(List<KeyValuePair<string, string>> common) =>
        new("Sts/" + common[0].Value, RpcSystem: "alibaba_cloud_sts", RpcService: "Sts", RpcMethod: common[0].Value);

    private async Task<AssumeRoleResult> SendAsync(List<KeyValuePair<string, string>> common, List<KeyValuePair<string, string>> api, CancellationToken cancellationToken)
    {
        HttpRequestMessage message;
        if (_options.Method == HttpMethod.Get)
        {
            message = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, "/?" + Encode(api.Concat(common))));
        }
        else
        {
            message = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, "/?" + Encode(common)))
            {
                Content = new StringContent(Encode(api), Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            message.Content.Headers.ContentType!.CharSet = null;
        }
        message.Headers.TryAddWithoutValidation("Accept", "application/json");
        message.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        if (_options.CredentialsProviderHeader is { Length: > 0 } provider) message.Headers.TryAddWithoutValidation("x-acs-credentials-provider", provider);

        HttpStatusCode status;
        string body;
        try
        {
            using (message)
            {
                (status, body) = await SharedHttp.SendAsync(_http, message, StsCall(common), _options.Timeout, ResponseLimits.MaxJsonBytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ResponseRejectedException rejected)
        {
            // A redirect or an oversized body: the status is the answer's, so a 3xx or 200 is not retryable.
            throw new StsException(rejected.Code, $"{BaseAddress.Host} {rejected.Message}", null, BaseAddress.Host, null, rejected.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException)
        {
            throw new StsException("RequestFailed", $"no answer from {BaseAddress.Host}: {SharedHttp.Describe(exception)}", null, BaseAddress.Host, null, 0, exception is TimeoutException ? null : exception);
        }

        StsResponseDocument? document = null;
        try
        {
            document = JsonSerializer.Deserialize(body, CredentialsJsonContext.Default.StsResponseDocument);
        }
        catch (JsonException)
        {
            // Not JSON: reported below without the body (it may echo request parameters).
        }

        if (status != HttpStatusCode.OK)
        {
            if (document?.Code is { Length: > 0 } code)
                throw new StsException(code, document.Message, document.RequestId, document.HostId, document.Recommend, status);
            throw new StsException("HttpError", $"HTTP {(int)status} without an STS error document", null, BaseAddress.Host, null, status);
        }
        if (document is null)
            throw new StsException("InvalidResponse", "the success answer is not JSON", null, BaseAddress.Host, null, status);
        var c = document.Credentials;
        if (c is null || string.IsNullOrWhiteSpace(c.AccessKeyId) || string.IsNullOrWhiteSpace(c.AccessKeySecret) || string.IsNullOrWhiteSpace(c.SecurityToken))
            throw new StsException("InvalidResponse", "the answer has no complete Credentials (AccessKeyId, AccessKeySecret, SecurityToken)", document.RequestId, document.HostId, null, status);
        if (!Timestamps.TryParse(c.Expiration, out var expiration))
            throw new StsException("InvalidResponse", "the answer's Credentials.Expiration is missing or not yyyy-MM-ddTHH:mm:ssZ", document.RequestId, document.HostId, null, status);
        return new AssumeRoleResult(
            new CloudCredentials(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken, expiration),
            new AssumedRoleUser(document.AssumedRoleUser?.Arn ?? "", document.AssumedRoleUser?.AssumedRoleId ?? ""),
            document.RequestId ?? "");
    }

    /// <inheritdoc />
    public override string ToString() => $"StsClient({BaseAddress})";
}
