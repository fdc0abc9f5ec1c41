using System.Text.Json;
using FunctionCompute.Credentials.Internal;

namespace FunctionCompute.Credentials.Providers;

/// <summary>
/// A profile of the Alibaba Cloud CLI's <c>~/.aliyun/config.json</c> (path: <c>ALIBABA_CLOUD_CONFIG_FILE</c>
/// if set). Profile: the constructor's, else <c>ALIBABA_CLOUD_PROFILE</c>, else the file's <c>current</c>.
/// Modes: <c>AK</c>, <c>StsToken</c>, <c>RamRoleArn</c>, <c>EcsRamRole</c>, <c>OIDC</c>, <c>ChainableRamRoleArn</c>;
/// others are reported as unsupported. The file is read on the first call; the provider it yields is kept.
/// </summary>
public sealed class CliProfileCredentialsProvider : INamedCredentialsProvider
{
    private readonly string? _profileName;
    private readonly CredentialsSettings _settings;
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private INamedCredentialsProvider? _inner;

    /// <summary>Creates the provider.</summary>
    public CliProfileCredentialsProvider(string? profileName = null, CredentialsSettings? settings = null)
    {
        _profileName = ProviderFactory.Blank(profileName);
        _settings = settings ?? new CredentialsSettings();
    }

    /// <inheritdoc />
    public string ProviderName => _inner is { } inner ? "cli_profile/" + inner.ProviderName : "cli_profile";

    /// <summary>The path read (or to be read).</summary>
    public string? ConfigPath => _settings.Environment.Get(CredentialsEnvironmentVariables.ConfigFile) is { } p
        ? ProviderFactory.ExpandHome(p, _settings.Environment)
        : _settings.Environment.HomeDirectory is { } home ? Path.Combine(home, ".aliyun", "config.json") : null;

    /// <inheritdoc />
    public async ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var inner = Volatile.Read(ref _inner);
        if (inner is null)
        {
            await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                inner = _inner ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _loadLock.Release();
            }
        }
        return await inner.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<INamedCredentialsProvider> LoadAsync(CancellationToken cancellationToken)
    {
        if (_settings.Environment.IsTrue(CredentialsEnvironmentVariables.CliProfileDisabled))
            throw Error($"the CLI profile is disabled ({CredentialsEnvironmentVariables.CliProfileDisabled}=true)");
        var path = ConfigPath ?? throw Error("no home directory to find .aliyun/config.json in");
        if (!File.Exists(path)) throw Error($"the CLI config file '{path}' does not exist");
        CliConfigDocument? config;
        try
        {
            // Disposed synchronously: a FileStream's Dispose does not block on anything worth awaiting.
            using var stream = File.OpenRead(path);
            config = await JsonSerializer.DeserializeAsync(stream, CredentialsJsonContext.Default.CliConfigDocument, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw Error($"the CLI config file '{path}' is not valid JSON");
        }
        catch (IOException exception)
        {
            throw Error($"cannot read the CLI config file '{path}': {exception.GetType().Name}");
        }
        if (config?.Profiles is not { Count: > 0 } profiles) throw Error($"the CLI config file '{path}' has no profiles");
        var name = _profileName ?? _settings.Environment.Get(CredentialsEnvironmentVariables.Profile) ?? ProviderFactory.Blank(config.Current)
            ?? throw Error($"no profile named (none given, {CredentialsEnvironmentVariables.Profile} unset, no 'current' in the file)");
        return Build(profiles, name, []);
    }

    private INamedCredentialsProvider Build(List<CliProfileDocument> profiles, string name, HashSet<string> visiting)
    {
        var profile = profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))
            ?? throw Error($"the profile '{name}' was not found in the CLI config file");
        if (!visiting.Add(name)) throw Error($"the profile '{name}' is part of a source_profile cycle");
        var mode = profile.Mode ?? "";
        switch (mode)
        {
            case "AK":
                return new NamedStaticProvider("static_ak", Keys(profile, name, withToken: false));
            case "StsToken":
                return new NamedStaticProvider("static_sts", Keys(profile, name, withToken: true));
            case "RamRoleArn":
            {
                var source = new NamedStaticProvider("static_ak", Keys(profile, name, withToken: false));
                return ProviderFactory.AssumeRole(_settings, source, Required(profile.RamRoleArn, name, "ram_role_arn"), profile.RamSessionName,
                    profile.ExpiredSeconds, profile.Policy, profile.ExternalId, profile.StsRegion, profile.EnableVpc ?? false);
            }
            case "ChainableRamRoleArn":
            {
                var source = Build(profiles, Required(profile.SourceProfile, name, "source_profile"), visiting);
                return ProviderFactory.AssumeRole(_settings, source, Required(profile.RamRoleArn, name, "ram_role_arn"), profile.RamSessionName,
                    profile.ExpiredSeconds, profile.Policy, profile.ExternalId, profile.StsRegion, profile.EnableVpc ?? false);
            }
            case "EcsRamRole":
                return new EcsRamRoleCredentialsProvider(EcsRamRoleOptions.From(_settings, ProviderFactory.Blank(profile.RamRoleName)));
            case "OIDC":
                return ProviderFactory.Oidc(_settings, new OidcRoleOptions
                {
                    RoleArn = Required(profile.RamRoleArn, name, "ram_role_arn"),
                    OidcProviderArn = Required(profile.OidcProviderArn, name, "oidc_provider_arn"),
                    OidcTokenFile = ProviderFactory.ExpandHome(Required(profile.OidcTokenFile, name, "oidc_token_file"), _settings.Environment)!,
                    RoleSessionName = ProviderFactory.Blank(profile.RamSessionName) ?? _settings.Environment.Get(CredentialsEnvironmentVariables.RoleSessionName),
                    DurationSeconds = profile.ExpiredSeconds is null or 0 ? null : profile.ExpiredSeconds,
                    Policy = ProviderFactory.Blank(profile.Policy),
                }, profile.StsRegion, profile.EnableVpc ?? false);
            default:
                throw Error($"unsupported profile mode '{mode}' in profile '{name}'");
        }
    }

    private CloudCredentials Keys(CliProfileDocument profile, string name, bool withToken)
    {
        var id = Required(profile.AccessKeyId, name, "access_key_id");
        var secret = Required(profile.AccessKeySecret, name, "access_key_secret");
        return new CloudCredentials(id, secret, withToken ? Required(profile.StsToken, name, "sts_token") : null);
    }

    private string Required(string? value, string profile, string field) =>
        ProviderFactory.Blank(value) ?? throw Error($"the profile '{profile}' has no '{field}'");

    private CredentialsException Error(string message) => new("cli_profile", message);

    /// <inheritdoc />
    public override string ToString() => $"CliProfileCredentialsProvider({ConfigPath}, {_profileName ?? "(default profile)"})";
}
