using FunctionCompute.Credentials.Caching;
using FunctionCompute.Credentials.Sts;

namespace FunctionCompute.Credentials.Providers;

/// <summary>
/// Assumes a RAM role (possibly in another account) with credentials from any other provider, and
/// caches the STS credentials, refreshing them ahead of expiry. The source provider is asked again on
/// every refresh, so rotating source credentials (FC's, ECS's) are followed.
/// </summary>
public sealed class AssumeRoleCredentialsProvider : INamedCredentialsProvider
{
    private readonly ICredentialsProvider _source;
    private readonly AssumeRoleRequest _request;
    private readonly StsClient _sts;
    private readonly TimeProvider _time;
    private readonly CachedCredentialsProvider _cache;
    private AssumeRoleResult? _lastResult;

    /// <summary>Creates the provider.</summary>
    /// <param name="source">Signs the <c>AssumeRole</c> calls.</param>
    /// <param name="request">The role to assume; a null session name gets <c>credentials-dotnet-&lt;ms&gt;</c> per call.</param>
    /// <param name="stsClient">The STS client (endpoint, timeouts).</param>
    /// <param name="caching">Refresh rules; default 15 min before expiry (at most half the lifetime).</param>
    /// <param name="timeProvider">The clock.</param>
    public AssumeRoleCredentialsProvider(ICredentialsProvider source, AssumeRoleRequest request, StsClient stsClient, CachingOptions? caching = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stsClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.RoleArn, nameof(request.RoleArn));
        if (request.DurationSeconds is < 900)
            throw new ArgumentOutOfRangeException(nameof(request), request.DurationSeconds, "session duration should be in the range of 900s - max session duration");
        _source = source;
        _request = request;
        _sts = stsClient;
        _time = timeProvider ?? TimeProvider.System;
        _cache = new CachedCredentialsProvider(FetchAsync, ProviderName, caching, _time);
    }

    /// <inheritdoc />
    public string ProviderName => "ram_role_arn";

    /// <summary>The role this provider assumes.</summary>
    public string RoleArn => _request.RoleArn;

    /// <summary>The last successful STS answer (assumed role user, request id), if any.</summary>
    public AssumeRoleResult? LastResult => Volatile.Read(ref _lastResult);

    /// <summary>The cache in front of STS.</summary>
    public CachedCredentialsProvider Cache => _cache;

    /// <inheritdoc />
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => _cache.GetCredentialsAsync(cancellationToken);

    /// <summary>Calls STS now, bypassing the cache.</summary>
    /// <exception cref="StsException">STS refused.</exception>
    /// <exception cref="CredentialsException">The source provider had no credentials.</exception>
    public async ValueTask<CloudCredentials> FetchAsync(CancellationToken cancellationToken = default)
    {
        var source = await _source.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        if (source is null || source.IsEmpty)
            throw new CredentialsException(ProviderName, $"the source provider {Describe(_source)} returned no credentials to sign AssumeRole with");
        var result = await _sts.AssumeRoleAsync(_request, source, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _lastResult, result);
        return result.Credentials;
    }

    private static string Describe(ICredentialsProvider provider) => (provider as INamedCredentialsProvider)?.ProviderName ?? provider.GetType().Name;

    /// <inheritdoc />
    public override string ToString() => $"AssumeRoleCredentialsProvider({_request.RoleArn} via {Describe(_source)}, {_sts})";
}
