using System.Collections.Concurrent;
using FunctionCompute.Credentials;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Invocation;

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

/// <summary>
/// Assumed-role credentials, one cached <see cref="AssumeRoleCredentialsProvider"/> per (role, external id, STS endpoint),
/// shared by all invocations of the instance. Each refresh (ahead of expiry) signs <c>AssumeRole</c> with the newest
/// credentials FC passed to an invocation: FC rotates the function's own STS credentials, the assumed ones outlive them.
/// </summary>
internal static class AssumedRoles
{
    // The role, external id and STS endpoint come from the event: a bounded cache, so odd events cannot grow it without
    // bound. Beyond the bound a role is assumed on every call (correct, only slower). Roles STS refuses are not kept.
    private const int MaxCachedRoles = 32;
    private static readonly ConcurrentDictionary<(string RoleArn, string? ExternalId, Uri Sts), AssumeRoleCredentialsProvider> Providers = new();
    private static readonly LatestCredentials FunctionCredentials = new();

    /// <summary>The role's credentials: from the cache, or from STS signed with <paramref name="functionCredentials"/> (the newest seen).</summary>
    /// <exception cref="AssumeRoleFailedException">STS refused or did not answer.</exception>
    public static async Task<CloudCredentials> GetAsync(string roleArn, string? externalId, string? stsEndpoint, CloudCredentials functionCredentials, IFcContext context)
    {
        FunctionCredentials.Update(functionCredentials);
        externalId = string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim();
        var sts = CreateStsClient(stsEndpoint, context);
        var key = (roleArn, externalId, sts.BaseAddress);
        if (!Providers.TryGetValue(key, out var provider))
        {
            provider = new AssumeRoleCredentialsProvider(FunctionCredentials,
                new AssumeRoleRequest { RoleArn = roleArn, ExternalId = externalId, RoleSessionName = SessionName(context) }, sts);
            if (Providers.Count < MaxCachedRoles) provider = Providers.GetOrAdd(key, provider);
        }
        try
        {
            return await provider.GetCredentialsAsync(context.CancellationToken);
        }
        catch (StsException exception)
        {
            Providers.TryRemove(KeyValuePair.Create(key, provider));
            throw new AssumeRoleFailedException(roleArn, exception);
        }
        catch (CredentialsException)
        {
            // e.g. STS answered credentials that were already about to expire: not kept either.
            Providers.TryRemove(KeyValuePair.Create(key, provider));
            throw;
        }
    }

    private static StsClient CreateStsClient(string? endpoint, IFcContext context)
    {
        try
        {
            // An explicit endpoint wins; else the function's region (sts.<region>.aliyuncs.com, or sts-vpc.<region> with
            // ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true); else sts.aliyuncs.com.
            return new StsClient(new StsClientOptions
            {
                Endpoint = string.IsNullOrWhiteSpace(endpoint) ? null : endpoint.Trim(),
                RegionId = context.Region.Length > 0 ? context.Region : null,
                Environment = CredentialsEnvironment.Process,
            });
        }
        catch (UriFormatException exception)
        {
            throw new InvalidEventException($"The \"stsEndpoint\" '{endpoint}' is not a host name or an http(s) URL.", exception);
        }
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
