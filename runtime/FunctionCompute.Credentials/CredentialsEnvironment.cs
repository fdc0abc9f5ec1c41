namespace FunctionCompute.Credentials;

/// <summary>
/// Where providers read environment variables and the home directory from. The process environment by
/// default; tests pass their own. Variables are read on every call, never cached, and an empty value
/// counts as unset (as in every official SDK).
/// </summary>
public sealed class CredentialsEnvironment
{
    private readonly Func<string, string?> _getVariable;
    private readonly Func<string?> _homeDirectory;

    /// <summary>Creates an environment from a variable lookup and an optional fixed home directory.</summary>
    public CredentialsEnvironment(Func<string, string?> getVariable, string? homeDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        _getVariable = getVariable;
        _homeDirectory = homeDirectory is null ? DefaultHome : () => homeDirectory;
    }

    /// <summary>The real process environment and the user's home directory.</summary>
    public static CredentialsEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>An environment holding exactly these variables (a copy is taken) and this home directory.</summary>
    public static CredentialsEnvironment FromVariables(IEnumerable<KeyValuePair<string, string>> variables, string? homeDirectory = null)
    {
        var copy = new Dictionary<string, string>(variables, StringComparer.Ordinal);
        return new CredentialsEnvironment(name => copy.TryGetValue(name, out var value) ? value : null, homeDirectory ?? "");
    }

    /// <summary>The user's home directory, or null when unknown.</summary>
    public string? HomeDirectory => _homeDirectory() is { Length: > 0 } home ? home : null;

    /// <summary>The variable's value, or null when it is unset or empty.</summary>
    public string? Get(string name) => _getVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>True when the variable is <c>true</c> (case-insensitive, surrounding blanks ignored).</summary>
    public bool IsTrue(string name) => string.Equals(Get(name)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private static string? DefaultHome()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 0 ? home : Environment.GetEnvironmentVariable("HOME");
    }
}

/// <summary>The environment variable names the official credential libraries read.</summary>
public static class CredentialsEnvironmentVariables
{
    /// <summary>Access key id of the environment provider.</summary>
    public const string AccessKeyId = "ALIBABA_CLOUD_ACCESS_KEY_ID";
    /// <summary>Access key secret of the environment provider.</summary>
    public const string AccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
    /// <summary>Optional STS token of the environment provider.</summary>
    public const string SecurityToken = "ALIBABA_CLOUD_SECURITY_TOKEN";
    /// <summary>Role to assume with OIDC.</summary>
    public const string RoleArn = "ALIBABA_CLOUD_ROLE_ARN";
    /// <summary>OIDC identity provider ARN.</summary>
    public const string OidcProviderArn = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
    /// <summary>Path of the file holding the OIDC token (re-read on each refresh).</summary>
    public const string OidcTokenFile = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
    /// <summary>Role session name for role assumption.</summary>
    public const string RoleSessionName = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
    /// <summary>Region of the STS endpoint (<c>sts.&lt;region&gt;.aliyuncs.com</c>).</summary>
    public const string StsRegion = "ALIBABA_CLOUD_STS_REGION";
    /// <summary><c>true</c>: use the VPC STS endpoint (<c>sts-vpc.&lt;region&gt;.aliyuncs.com</c>).</summary>
    public const string VpcEndpointEnabled = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
    /// <summary>Path of the CLI config file (default <c>~/.aliyun/config.json</c>).</summary>
    public const string ConfigFile = "ALIBABA_CLOUD_CONFIG_FILE";
    /// <summary>Profile name for the CLI config and the credentials file.</summary>
    public const string Profile = "ALIBABA_CLOUD_PROFILE";
    /// <summary><c>true</c>: leave the CLI profile provider out of the default chain.</summary>
    public const string CliProfileDisabled = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
    /// <summary>Path of the shared credentials INI file.</summary>
    public const string CredentialsFile = "ALIBABA_CLOUD_CREDENTIALS_FILE";
    /// <summary>ECS RAM role name (empty: discovered from the metadata service).</summary>
    public const string EcsMetadata = "ALIBABA_CLOUD_ECS_METADATA";
    /// <summary><c>true</c>: leave the ECS RAM role provider out of the default chain.</summary>
    public const string EcsMetadataDisabled = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
    /// <summary><c>true</c>: the metadata token (hardened mode) is mandatory, no fallback to normal mode.</summary>
    public const string ImdsV1Disabled = "ALIBABA_CLOUD_IMDSV1_DISABLED";
    /// <summary>URL of a credentials endpoint.</summary>
    public const string CredentialsUri = "ALIBABA_CLOUD_CREDENTIALS_URI";
}
