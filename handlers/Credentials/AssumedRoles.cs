using System.Collections.Concurrent;
using FunctionCompute.Credentials;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.Runtime;

namespace SampleFunctions.Credentials;

/// <summary>STS refused to issue a role's credentials (or did not answer): names the role, STS's code and request id.</summary>
public sealed class AssumeRoleFailedException(string roleArn, StsException inner)
    : Exception($"Could not assume {roleArn} with the function's credentials: {inner.Message}", inner)
{
    /// <summary>The role that could not be assumed.</summary>
    public string RoleArn { get; } = roleArn;

    /// <summary>STS's error code, e.g. <c>EntityNotExist.Role</c>, <c>NoPermission</c>, <c>SignatureDoesNotMatch</c>.</summary>
    public string Code => ((StsException)InnerException!).Code;

    /// <summary>STS's request id, when it answered.</summary>
    public string? RequestId => ((StsException)InnerException!).RequestId;
}

/// <summary>The configured STS endpoint cannot be used (not https, or not a bare host); the message names the setting.</summary>
public sealed class StsEndpointConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Assumed-role credentials, one cached <see cref="AssumeRoleCredentialsProvider"/> per (role, external id, STS endpoint),
/// shared by all invocations of the instance. Each refresh (ahead of expiry) signs <c>AssumeRole</c> with the newest
/// credentials FC passed to an invocation: FC rotates the function's own STS credentials, the assumed ones outlive them.
/// The STS endpoint is configuration only (<see cref="StsBaseAddress"/>), never the event.
/// </summary>
public sealed class AssumedRoles
{
    // The role and external id come from the event: a bounded cache, so odd events cannot grow it without bound. Beyond
    // the bound a role is assumed on every call (correct, only slower). Roles STS refuses are not kept. The STS endpoint
    // is part of the key because its configuration is read on every call.
    private const int MaxCachedRoles = 32;
    private readonly ConcurrentDictionary<(string RoleArn, string? ExternalId, Uri Sts), AssumeRoleCredentialsProvider> _providers = new();
    private readonly LatestCredentials _functionCredentials = new();

    /// <summary>The variable that sets the STS endpoint, as the official tools name it (credentials-rust, the ACK RRSA webhook, the CLI).</summary>
    public const string StsEndpointVariable = "ALIBABA_CLOUD_STS_ENDPOINT";

    /// <summary>The role's credentials: from the cache, or from STS signed with <paramref name="functionCredentials"/> (the newest seen).</summary>
    /// <exception cref="AssumeRoleFailedException">STS refused or did not answer.</exception>
    /// <exception cref="StsEndpointConfigurationException">The configured STS endpoint is not allowed.</exception>
    public async Task<CloudCredentials> GetAsync(string roleArn, string? externalId, CloudCredentials functionCredentials, IFcContext context)
    {
        _functionCredentials.Update(functionCredentials);
        externalId = string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim();
        var stsAddress = StsBaseAddress(context.Region, CredentialsEnvironment.Process, OssEndpointPolicy.LoopbackAllowedByEnvironment());
        var sts = new StsClient(new StsClientOptions { Endpoint = stsAddress.ToString() });
        var key = (roleArn, externalId, sts.BaseAddress);
        if (!_providers.TryGetValue(key, out var provider))
        {
            provider = new AssumeRoleCredentialsProvider(_functionCredentials,
                new AssumeRoleRequest { RoleArn = roleArn, ExternalId = externalId, RoleSessionName = SessionName(context) }, sts);
            if (_providers.Count < MaxCachedRoles) provider = _providers.GetOrAdd(key, provider);
        }
        try
        {
            return await provider.GetCredentialsAsync(context.CancellationToken);
        }
        catch (StsException exception)
        {
            _providers.TryRemove(KeyValuePair.Create(key, provider));
            throw new AssumeRoleFailedException(roleArn, exception);
        }
        catch (CredentialsException)
        {
            // e.g. STS answered credentials that were already about to expire: not kept either.
            _providers.TryRemove(KeyValuePair.Create(key, provider));
            throw;
        }
    }

    /// <summary>
    /// Where <c>AssumeRole</c> goes: configuration only, never the event (the signed request carries the function's key id,
    /// token and a replayable signature). <c>ALIBABA_CLOUD_STS_ENDPOINT</c> when set; else <c>sts.&lt;function's region&gt;.aliyuncs.com</c>
    /// (<c>sts-vpc.</c> with <c>ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true</c>, <c>ALIBABA_CLOUD_STS_REGION</c> without a region),
    /// as <see cref="StsEndpoints.Resolve"/> picks it. Always https, on a bare host; plain http only to 127.0.0.1, ::1 or
    /// localhost with <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c> (a local STS stand-in).
    /// </summary>
    /// <exception cref="StsEndpointConfigurationException">The endpoint is malformed or not allowed.</exception>
    internal static Uri StsBaseAddress(string functionRegion, CredentialsEnvironment environment, bool allowLoopback)
    {
        var configured = environment.Get(StsEndpointVariable)?.Trim();
        // A region goes into a host name: only a region id (the x-fc-region header comes from FC, but not on every local run).
        var region = OssEndpoint.IsRegionId(functionRegion) ? functionRegion : null;
        var endpoint = StsEndpoints.Resolve(configured, region, useVpc: false, environment);
        // Not echoed when it has user info: that part may be a password.
        var shown = endpoint.Contains('@') ? "(not shown: it has user info)" : $"'{endpoint}'";
        var source = configured is null ? $"The STS endpoint {shown} (from the function's region)" : $"{StsEndpointVariable} {shown}";
        Uri uri;
        try
        {
            uri = StsEndpoints.ToBaseUri(endpoint);
        }
        catch (UriFormatException exception)
        {
            throw new StsEndpointConfigurationException($"{source} is not a host name or an https URL.", exception);
        }
        if (uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || endpoint.AsSpan().ContainsAny("@?#"))
            throw new StsEndpointConfigurationException($"{source} must be a host name or https://host[:port]/, without user info, path, query or fragment.");
        var loopback = uri.Host is "127.0.0.1" or "[::1]" or "localhost";
        if (uri.Scheme == Uri.UriSchemeHttps || (loopback && allowLoopback)) return uri;
        throw new StsEndpointConfigurationException($"{source} is not allowed: STS is called over https only. Plain http is allowed only to "
            + $"127.0.0.1, ::1 or localhost, and only when the function's environment has {OssEndpointPolicy.AllowLoopbackVariable}=true (a local STS).");
    }

    // RoleSessionName: 2-64 of [A-Za-z0-9.@_-]; it shows in the other account's ActionTrail as the session.
    private static string? SessionName(IFcContext context)
    {
        var name = new string(context.FunctionParam.FunctionName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '@' or '_' or '-').ToArray());
        return name.Length == 0 ? null : ("fc-" + name)[..Math.Min(64, name.Length + 3)];
    }

    /// <summary>The newest invocation credentials: what the next <c>AssumeRole</c> is signed with.</summary>
    private sealed class LatestCredentials : INamedCredentialsProvider
    {
        private CloudCredentials _current = CloudCredentials.None;

        public string ProviderName => "fc_invocation";

        public void Update(CloudCredentials credentials) => Volatile.Write(ref _current, credentials);

        public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => new(Volatile.Read(ref _current));
    }
}
