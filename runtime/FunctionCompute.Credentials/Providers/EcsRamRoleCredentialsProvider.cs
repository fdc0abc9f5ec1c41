using System.Globalization;
using System.Net;
using System.Text.Json;
using FunctionCompute.Credentials.Caching;
using FunctionCompute.Credentials.Internal;

namespace FunctionCompute.Credentials.Providers;

/// <summary>Settings of the ECS RAM role provider.</summary>
public sealed class EcsRamRoleOptions
{
    /// <summary>The role attached to the instance; null: discovered from <c>/latest/meta-data/ram/security-credentials/</c>.</summary>
    public string? RoleName { get; set; }

    /// <summary>The metadata service; default <c>http://100.100.100.200</c>.</summary>
    public Uri BaseAddress { get; set; } = CredentialsSettings.DefaultMetadataBaseAddress;

    /// <summary>
    /// True (<c>ALIBABA_CLOUD_IMDSV1_DISABLED=true</c>): the metadata token (security hardening mode) is
    /// mandatory; failing to get one is an error. False: fall back to normal mode without the token.
    /// </summary>
    public bool DisableImdsV1 { get; set; }

    /// <summary>TTL asked for the metadata token (<c>X-aliyun-ecs-metadata-token-ttl-seconds</c>), 1–21600; default 21600.</summary>
    public int MetadataTokenTtlSeconds { get; set; } = 21600;

    /// <summary>Timeout of each metadata call (SDKs: 1 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>HTTP client; null: a shared internal one (no redirects). It must not follow redirects (see <see cref="CredentialsSettings.HttpClient"/>).</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Clock for the cache.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Refresh rules.</summary>
    public CachingOptions Caching { get; set; } = new();

    /// <summary>Options from <c>ALIBABA_CLOUD_ECS_METADATA</c>, <c>ALIBABA_CLOUD_IMDSV1_DISABLED</c> and the settings.</summary>
    public static EcsRamRoleOptions From(CredentialsSettings settings, string? roleName = null) => new()
    {
        RoleName = roleName ?? settings.Environment.Get(CredentialsEnvironmentVariables.EcsMetadata),
        DisableImdsV1 = settings.Environment.IsTrue(CredentialsEnvironmentVariables.ImdsV1Disabled),
        BaseAddress = settings.MetadataBaseAddress,
        Timeout = settings.MetadataTimeout,
        HttpClient = settings.HttpClient,
        TimeProvider = settings.TimeProvider,
        Caching = settings.Caching,
    };
}

/// <summary>
/// The ECS instance RAM role through the instance metadata service: a metadata token is asked for first
/// (<c>PUT /latest/api/token</c>, security hardening mode); the role name is discovered unless given; the
/// credential document (<c>Code</c> must be <c>Success</c>) is cached and refreshed ahead of its
/// <c>Expiration</c>; a failed refresh keeps the old credential while it is valid.
/// </summary>
public sealed class EcsRamRoleCredentialsProvider : INamedCredentialsProvider
{
    /// <summary>The token request path.</summary>
    public const string TokenPath = "/latest/api/token";
    /// <summary>The role discovery path; the credentials are at this path plus the role name.</summary>
    public const string CredentialsPath = "/latest/meta-data/ram/security-credentials/";
    /// <summary>Header carrying the token on metadata GETs.</summary>
    public const string TokenHeader = "X-aliyun-ecs-metadata-token";
    /// <summary>Header carrying the requested token TTL on the token PUT.</summary>
    public const string TokenTtlHeader = "X-aliyun-ecs-metadata-token-ttl-seconds";

    private readonly EcsRamRoleOptions _options;
    private readonly HttpClient _http;
    private readonly CachedCredentialsProvider _cache;

    /// <summary>Creates the provider.</summary>
    public EcsRamRoleCredentialsProvider(EcsRamRoleOptions? options = null)
    {
        _options = options ?? new EcsRamRoleOptions();
        if (_options.MetadataTokenTtlSeconds is < 1 or > 21600)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MetadataTokenTtlSeconds, "The metadata token TTL must be 1 to 21600 seconds.");
        _http = _options.HttpClient ?? SharedHttp.Client;
        _cache = new CachedCredentialsProvider(FetchAsync, ProviderName, _options.Caching, _options.TimeProvider);
    }

    /// <inheritdoc />
    public string ProviderName => "ecs_ram_role";

    /// <summary>The cache in front of the metadata service (refresh count, invalidation).</summary>
    public CachedCredentialsProvider Cache => _cache;

    /// <inheritdoc />
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => _cache.GetCredentialsAsync(cancellationToken);

    /// <summary>Fetches fresh credentials from the metadata service, bypassing the cache.</summary>
    /// <exception cref="CredentialsException">The metadata service failed, timed out, or answered with an error.</exception>
    public async ValueTask<CloudCredentials> FetchAsync(CancellationToken cancellationToken = default)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        var roleName = _options.RoleName?.Trim();
        if (string.IsNullOrEmpty(roleName))
        {
            var (status, body) = await GetAsync(CredentialsPath, token, "role name", cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.NotFound)
                throw Error("the instance has no RAM role attached (404 at the role discovery path)");
            if (status != HttpStatusCode.OK)
                throw Error($"role discovery answered HTTP {(int)status}");
            roleName = body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            if (string.IsNullOrEmpty(roleName)) throw Error("role discovery answered an empty role name");
        }

        var (credStatus, json) = await GetAsync(CredentialsPath + Uri.EscapeDataString(roleName), token, "credentials", cancellationToken).ConfigureAwait(false);
        if (credStatus == HttpStatusCode.NotFound)
            throw Error($"the role name '{roleName}' was not found in the instance");
        if (credStatus != HttpStatusCode.OK)
            throw Error($"the credentials request for role '{roleName}' answered HTTP {(int)credStatus}");

        CredentialDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CredentialsJsonContext.Default.CredentialDocument);
        }
        catch (JsonException)
        {
            throw Error("the credential document is not valid JSON");
        }
        if (document is null) throw Error("the credential document is empty");
        if (!string.Equals(document.Code, "Success", StringComparison.Ordinal))
            throw Error($"the credential document has Code '{document.Code ?? "(none)"}', not 'Success'");
        if (string.IsNullOrWhiteSpace(document.AccessKeyId) || string.IsNullOrWhiteSpace(document.AccessKeySecret) || string.IsNullOrWhiteSpace(document.SecurityToken))
            throw Error("the credential document lacks AccessKeyId, AccessKeySecret or SecurityToken");
        if (!Timestamps.TryParse(document.Expiration, out var expiration))
            throw Error("the credential document's Expiration is missing or not yyyy-MM-ddTHH:mm:ssZ");
        return new CloudCredentials(document.AccessKeyId, document.AccessKeySecret, document.SecurityToken, expiration);
    }

    private async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        string reason;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_options.BaseAddress, TokenPath));
            request.Headers.TryAddWithoutValidation(TokenTtlHeader, _options.MetadataTokenTtlSeconds.ToString(CultureInfo.InvariantCulture));
            var (status, body) = await SharedHttp.SendAsync(_http, request, new ClientCall("PUT " + TokenPath), _options.Timeout, ResponseLimits.MaxMetadataTokenBytes, cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.OK && body.Trim() is { Length: > 0 } token) return token;
            reason = $"HTTP {(int)status}";
        }
        catch (Exception exception) when (SharedHttp.IsExchangeFailure(exception))
        {
            reason = SharedHttp.Describe(exception);
        }
        if (_options.DisableImdsV1)
            throw Error($"could not get a metadata token ({reason}) and normal mode (IMDSv1) is disabled");
        return null; // fall back to normal mode
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? token, string what, CancellationToken cancellationToken)
    {
        var (status, body) = await SendGetAsync(path, token, what, cancellationToken).ConfigureAwait(false);
        // As credentials-java does: a token that the service refuses is retried once in normal mode, unless that is disabled.
        if (token is not null && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && !_options.DisableImdsV1)
            (status, body) = await SendGetAsync(path, null, what, cancellationToken).ConfigureAwait(false);
        return (status, body);
    }

    private async Task<(HttpStatusCode, string)> SendGetAsync(string path, string? token, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.BaseAddress, path));
            if (token is not null) request.Headers.TryAddWithoutValidation(TokenHeader, token);
            return await SharedHttp.SendAsync(_http, request, new ClientCall("GET " + path), _options.Timeout, ResponseLimits.MaxJsonBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (SharedHttp.IsExchangeFailure(exception))
        {
            throw Error($"the {what} request {SharedHttp.Describe(exception)}");
        }
    }

    private CredentialsException Error(string message) => new(ProviderName, message);

    /// <inheritdoc />
    public override string ToString() => $"EcsRamRoleCredentialsProvider({_options.BaseAddress}, role {(_options.RoleName ?? "(discovered)")})";
}
