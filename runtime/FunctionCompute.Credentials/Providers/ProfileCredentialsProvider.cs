namespace FunctionCompute.Credentials.Providers;

/// <summary>
/// A section of the shared credentials INI file: <c>ALIBABA_CLOUD_CREDENTIALS_FILE</c>, else
/// <c>~/.alibabacloud/credentials.ini</c> (Java/Python), else <c>~/.alibabacloud/credentials</c> (Go/Node).
/// Section: the constructor's, else <c>ALIBABA_CLOUD_PROFILE</c>, else <c>default</c>. <c>type</c> is one of
/// <c>access_key</c>, <c>ecs_ram_role</c>, <c>ram_role_arn</c>, <c>oidc_role_arn</c>. A section with
/// <c>enable = false</c> is ignored (Java requires <c>enable = true</c>; Go/Node/Python ignore the key).
/// Read on the first call; the provider it yields is kept.
/// </summary>
public sealed class ProfileCredentialsProvider : INamedCredentialsProvider
{
    private readonly string? _profileName;
    private readonly CredentialsSettings _settings;
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private INamedCredentialsProvider? _inner;

    /// <summary>Creates the provider.</summary>
    public ProfileCredentialsProvider(string? profileName = null, CredentialsSettings? settings = null)
    {
        _profileName = ProviderFactory.Blank(profileName);
        _settings = settings ?? new CredentialsSettings();
    }

    /// <inheritdoc />
    public string ProviderName => _inner is { } inner ? "profile/" + inner.ProviderName : "profile";

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

    /// <summary>The file the provider reads: the first existing candidate, or the first candidate when none exists.</summary>
    public string? ResolvePath()
    {
        if (_settings.Environment.Get(CredentialsEnvironmentVariables.CredentialsFile) is { } explicitPath)
            return ProviderFactory.ExpandHome(explicitPath, _settings.Environment);
        if (_settings.Environment.HomeDirectory is not { } home) return null;
        var ini = Path.Combine(home, ".alibabacloud", "credentials.ini");
        var plain = Path.Combine(home, ".alibabacloud", "credentials");
        return File.Exists(ini) || !File.Exists(plain) ? ini : plain;
    }

    private async Task<INamedCredentialsProvider> LoadAsync(CancellationToken cancellationToken)
    {
        var path = ResolvePath() ?? throw Error("no home directory to find .alibabacloud/credentials.ini in");
        if (!File.Exists(path)) throw Error($"the credentials file '{path}' does not exist");
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            throw Error($"cannot read the credentials file '{path}': {exception.GetType().Name}");
        }
        var sections = IniFile.Parse(text);
        var name = _profileName ?? _settings.Environment.Get(CredentialsEnvironmentVariables.Profile) ?? "default";
        if (!sections.TryGetValue(name, out var section)) throw Error($"the section '{name}' was not found in '{path}'");
        if (section.TryGetValue("enable", out var enable) && string.Equals(enable, "false", StringComparison.OrdinalIgnoreCase))
            throw Error($"the section '{name}' is disabled (enable = false)");

        string Required(string key) => section.TryGetValue(key, out var v) && v.Length > 0 ? v : throw Error($"the section '{name}' has no '{key}'");
        string? Optional(string key) => section.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

        var type = Optional("type") ?? throw Error($"the section '{name}' has no 'type'");
        switch (type)
        {
            case "access_key":
                return new NamedStaticProvider("static_ak", new CloudCredentials(Required("access_key_id"), Required("access_key_secret")));
            case "ecs_ram_role":
                return new EcsRamRoleCredentialsProvider(EcsRamRoleOptions.From(_settings, Optional("role_name")));
            case "ram_role_arn":
            {
                var source = new NamedStaticProvider("static_ak", new CloudCredentials(Required("access_key_id"), Required("access_key_secret")));
                return ProviderFactory.AssumeRole(_settings, source, Required("role_arn"), Optional("role_session_name"), 3600,
                    Optional("policy"), Optional("external_id"), Optional("region_id") ?? Optional("sts_region"), false);
            }
            case "oidc_role_arn":
                return ProviderFactory.Oidc(_settings, new OidcRoleOptions
                {
                    RoleArn = Required("role_arn"),
                    OidcProviderArn = Required("oidc_provider_arn"),
                    OidcTokenFile = ProviderFactory.ExpandHome(Required("oidc_token_file_path"), _settings.Environment)!,
                    RoleSessionName = Optional("role_session_name") ?? _settings.Environment.Get(CredentialsEnvironmentVariables.RoleSessionName),
                    Policy = Optional("policy"),
                }, Optional("region_id"), false);
            default:
                throw Error($"unsupported credential type '{type}' in section '{name}'");
        }
    }

    private static CredentialsException Error(string message) => new("profile", message);

    /// <inheritdoc />
    public override string ToString() => $"ProfileCredentialsProvider({ResolvePath()}, {_profileName ?? "(default section)"})";
}

internal static class IniFile
{
    /// <summary>Sections → keys → values. <c>#</c> and <c>;</c> start comment lines; keys are case-sensitive, values trimmed.</summary>
    public static Dictionary<string, Dictionary<string, string>> Parse(string text)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[' && line[^1] == ']')
            {
                var name = line[1..^1].Trim();
                if (!sections.TryGetValue(name, out current)) sections[name] = current = new(StringComparer.Ordinal);
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0 || current is null) continue;
            current[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return sections;
    }
}
