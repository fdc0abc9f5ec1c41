using FunctionCompute.Credentials.Sts;

namespace FunctionCompute.Credentials.Providers;

internal static class ProviderFactory
{
    public static StsClient Sts(CredentialsSettings settings, string? regionId, bool useVpc, string? sourceName) => new(new StsClientOptions
    {
        Endpoint = settings.StsEndpoint,
        RegionId = regionId,
        UseVpcEndpoint = useVpc,
        Environment = settings.Environment,
        HttpClient = settings.HttpClient,
        Timeout = settings.StsTimeout,
        TimeProvider = settings.TimeProvider,
        CredentialsProviderHeader = sourceName,
    });

    public static AssumeRoleCredentialsProvider AssumeRole(CredentialsSettings settings, ICredentialsProvider source, string roleArn,
        string? sessionName, int? durationSeconds, string? policy, string? externalId, string? regionId, bool useVpc) =>
        new(source, new AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = Blank(sessionName) ?? settings.Environment.Get(CredentialsEnvironmentVariables.RoleSessionName),
            DurationSeconds = durationSeconds is null or 0 ? 3600 : durationSeconds,
            Policy = Blank(policy),
            ExternalId = Blank(externalId),
        }, Sts(settings, Blank(regionId), useVpc, (source as INamedCredentialsProvider)?.ProviderName), settings.Caching, settings.TimeProvider);

    public static OidcRoleCredentialsProvider Oidc(CredentialsSettings settings, OidcRoleOptions options, string? regionId, bool useVpc) =>
        new(options, Sts(settings, Blank(regionId), useVpc, null), settings.Caching, settings.TimeProvider);

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static string? ExpandHome(string? path, CredentialsEnvironment environment)
    {
        if (path is null) return null;
        if ((path == "~" || path.StartsWith("~/", StringComparison.Ordinal)) && environment.HomeDirectory is { } home)
            return Path.Combine(home, path.Length > 2 ? path[2..] : "");
        return path;
    }
}

/// <summary>A named static provider (profile keys).</summary>
internal sealed class NamedStaticProvider(string name, CloudCredentials credentials) : INamedCredentialsProvider
{
    public string ProviderName => name;
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => new(credentials);
    public override string ToString() => $"{name}({credentials})";
}
