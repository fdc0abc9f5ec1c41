namespace FunctionCompute.Credentials.Providers;

/// <summary>
/// <c>ALIBABA_CLOUD_ACCESS_KEY_ID</c>, <c>ALIBABA_CLOUD_ACCESS_KEY_SECRET</c> and optionally
/// <c>ALIBABA_CLOUD_SECURITY_TOKEN</c>, read again on every call (FC sets them to the function role's STS
/// credentials). No expiry is known for them.
/// </summary>
public sealed class EnvironmentCredentialsProvider(CredentialsEnvironment? environment = null) : INamedCredentialsProvider
{
    private readonly CredentialsEnvironment _environment = environment ?? CredentialsEnvironment.Process;

    /// <inheritdoc />
    public string ProviderName => "env";

    /// <inheritdoc />
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var id = _environment.Get(CredentialsEnvironmentVariables.AccessKeyId)?.Trim();
        var secret = _environment.Get(CredentialsEnvironmentVariables.AccessKeySecret)?.Trim();
        if (string.IsNullOrEmpty(id))
            throw new CredentialsException(ProviderName, $"{CredentialsEnvironmentVariables.AccessKeyId} cannot be empty");
        if (string.IsNullOrEmpty(secret))
            throw new CredentialsException(ProviderName, $"{CredentialsEnvironmentVariables.AccessKeySecret} cannot be empty");
        var token = _environment.Get(CredentialsEnvironmentVariables.SecurityToken)?.Trim();
        return new(new CloudCredentials(id, secret, string.IsNullOrEmpty(token) ? null : token));
    }

    /// <inheritdoc />
    public override string ToString() => "EnvironmentCredentialsProvider";
}
