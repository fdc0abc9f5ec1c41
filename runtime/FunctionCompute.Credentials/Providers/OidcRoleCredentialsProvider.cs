using FunctionCompute.Credentials.Caching;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Credentials.Sts;

namespace FunctionCompute.Credentials.Providers;

/// <summary>What <see cref="OidcRoleCredentialsProvider"/> assumes.</summary>
public sealed class OidcRoleOptions
{
    /// <summary>The role to assume.</summary>
    public required string RoleArn { get; init; }

    /// <summary>The OIDC identity provider's ARN.</summary>
    public required string OidcProviderArn { get; init; }

    /// <summary>The file holding the OIDC token; read again on every refresh (the platform rotates it).</summary>
    public required string OidcTokenFile { get; init; }

    /// <summary>Session name; null: <c>credentials-dotnet-&lt;ms&gt;</c>.</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>Session duration (900..role maximum); null: 3600.</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>Optional session policy.</summary>
    public string? Policy { get; init; }

    /// <summary>
    /// From <c>ALIBABA_CLOUD_ROLE_ARN</c>, <c>ALIBABA_CLOUD_OIDC_PROVIDER_ARN</c>, <c>ALIBABA_CLOUD_OIDC_TOKEN_FILE</c>
    /// (all three required, else null) and <c>ALIBABA_CLOUD_ROLE_SESSION_NAME</c>.
    /// </summary>
    public static OidcRoleOptions? FromEnvironment(CredentialsEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var role = environment.Get(CredentialsEnvironmentVariables.RoleArn);
        var provider = environment.Get(CredentialsEnvironmentVariables.OidcProviderArn);
        var file = environment.Get(CredentialsEnvironmentVariables.OidcTokenFile);
        if (role is null || provider is null || file is null) return null;
        return new OidcRoleOptions
        {
            RoleArn = role,
            OidcProviderArn = provider,
            OidcTokenFile = file,
            RoleSessionName = environment.Get(CredentialsEnvironmentVariables.RoleSessionName),
        };
    }
}

/// <summary>
/// Assumes a role with an OIDC token (<c>AssumeRoleWithOIDC</c>, anonymous), e.g. ACK RRSA. The token file is
/// re-read on every refresh; the credentials are cached and refreshed ahead of expiry.
/// </summary>
public sealed class OidcRoleCredentialsProvider : INamedCredentialsProvider
{
    private readonly OidcRoleOptions _options;
    private readonly StsClient _sts;
    private readonly CachedCredentialsProvider _cache;

    /// <summary>Creates the provider.</summary>
    public OidcRoleCredentialsProvider(OidcRoleOptions options, StsClient stsClient, CachingOptions? caching = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stsClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RoleArn, nameof(options.RoleArn));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OidcProviderArn, nameof(options.OidcProviderArn));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OidcTokenFile, nameof(options.OidcTokenFile));
        _options = options;
        _sts = stsClient;
        _cache = new CachedCredentialsProvider(FetchAsync, ProviderName, caching, timeProvider);
    }

    /// <inheritdoc />
    public string ProviderName => "oidc_role_arn";

    /// <summary>The cache in front of STS.</summary>
    public CachedCredentialsProvider Cache => _cache;

    /// <inheritdoc />
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => _cache.GetCredentialsAsync(cancellationToken);

    /// <summary>Reads the token file and calls STS now, bypassing the cache.</summary>
    public async ValueTask<CloudCredentials> FetchAsync(CancellationToken cancellationToken = default)
    {
        string token;
        try
        {
            token = (await ReadTokenFileAsync(cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException(ProviderName, $"cannot read the OIDC token file '{_options.OidcTokenFile}': {exception.GetType().Name}");
        }
        if (token.Length == 0) throw new CredentialsException(ProviderName, $"the OIDC token file '{_options.OidcTokenFile}' is empty");
        var result = await _sts.AssumeRoleWithOidcAsync(new AssumeRoleWithOidcRequest
        {
            RoleArn = _options.RoleArn,
            OidcProviderArn = _options.OidcProviderArn,
            OidcToken = token,
            RoleSessionName = _options.RoleSessionName,
            DurationSeconds = _options.DurationSeconds,
            Policy = _options.Policy,
        }, cancellationToken).ConfigureAwait(false);
        return result.Credentials;
    }

    // Bounded like every answer: the path comes from the environment, and a wrong one (a device, a huge file)
    // must fail with a clear error instead of being read whole.
    private async Task<string> ReadTokenFileAsync(CancellationToken cancellationToken)
    {
        var file = new FileStream(_options.OidcTokenFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 4096, useAsync: true);
        using var limited = new LimitedReadStream(file, ResponseLimits.MaxOidcTokenFileBytes, () => new CredentialsException(ProviderName,
            $"the OIDC token file '{_options.OidcTokenFile}' is over {ResponseLimits.Describe(ResponseLimits.MaxOidcTokenFileBytes)}, the limit for a token"), cancellationToken);
        using var reader = new StreamReader(limited, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"OidcRoleCredentialsProvider({_options.RoleArn}, {_sts})";
}
