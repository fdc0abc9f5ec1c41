using FunctionCompute.Credentials.Providers;

namespace FunctionCompute.Credentials.Chain;

/// <summary>
/// The official default chain: environment variables; OIDC (when <c>ALIBABA_CLOUD_ROLE_ARN</c>,
/// <c>ALIBABA_CLOUD_OIDC_PROVIDER_ARN</c> and <c>ALIBABA_CLOUD_OIDC_TOKEN_FILE</c> are all set); the CLI profile
/// (unless <c>ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true</c>); the credentials INI file; the ECS RAM role (unless
/// <c>ALIBABA_CLOUD_ECS_METADATA_DISABLED=true</c>); the credentials URI (when <c>ALIBABA_CLOUD_CREDENTIALS_URI</c>
/// is set). The first provider that works is remembered. Works unchanged on FC (env), ECS (metadata) and a laptop
/// (CLI profile / INI file). Create one and share it: it caches.
/// </summary>
public sealed class DefaultCredentialsProvider : INamedCredentialsProvider
{
    private readonly ChainedCredentialsProvider _chain;

    /// <summary>Builds the chain from <paramref name="settings"/> (environment, endpoints, clock).</summary>
    /// <param name="settings">Shared settings; null: the process environment and the real endpoints.</param>
    /// <param name="first">Providers to try before the official chain (e.g. an FC invocation's credentials).</param>
    public DefaultCredentialsProvider(CredentialsSettings? settings = null, IEnumerable<ICredentialsProvider>? first = null)
    {
        settings ??= new CredentialsSettings();
        var env = settings.Environment;
        var providers = new List<ICredentialsProvider>(first ?? []);
        providers.Add(new EnvironmentCredentialsProvider(env));
        if (OidcRoleOptions.FromEnvironment(env) is { } oidc)
            providers.Add(ProviderFactory.Oidc(settings, oidc, null, false));
        if (!env.IsTrue(CredentialsEnvironmentVariables.CliProfileDisabled))
            providers.Add(new CliProfileCredentialsProvider(null, settings));
        providers.Add(new ProfileCredentialsProvider(null, settings));
        if (!env.IsTrue(CredentialsEnvironmentVariables.EcsMetadataDisabled))
            providers.Add(new EcsRamRoleCredentialsProvider(EcsRamRoleOptions.From(settings)));
        if (env.Get(CredentialsEnvironmentVariables.CredentialsUri) is { } uri)
        {
            if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
                providers.Add(new CredentialsUriProvider(parsed, settings));
            else
                providers.Add(new FailingProvider("credential_uri", $"{CredentialsEnvironmentVariables.CredentialsUri} is not an absolute http(s) URL"));
        }
        _chain = new ChainedCredentialsProvider(providers, "default");
    }

    /// <summary>The providers, in the order tried.</summary>
    public IReadOnlyList<ICredentialsProvider> Providers => _chain.Providers;

    /// <summary>The provider that succeeded first, or null.</summary>
    public ICredentialsProvider? LastUsedProvider => _chain.LastUsedProvider;

    /// <summary><c>default</c>, or e.g. <c>default/env</c> once a provider succeeded.</summary>
    public string ProviderName => _chain.ProviderName;

    /// <inheritdoc />
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => _chain.GetCredentialsAsync(cancellationToken);

    /// <inheritdoc />
    public override string ToString() => _chain.ToString();

    private sealed class FailingProvider(string name, string reason) : INamedCredentialsProvider
    {
        public string ProviderName => name;
        public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => throw new CredentialsException(name, reason);
    }
}
