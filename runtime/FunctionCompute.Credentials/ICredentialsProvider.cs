namespace FunctionCompute.Credentials;

/// <summary>
/// Supplies credentials for a call. Clients ask for them on every request, so a provider that
/// refreshes (an STS role, ECS metadata) is always current.
/// </summary>
public interface ICredentialsProvider
{
    /// <summary>Returns credentials to sign the next request with.</summary>
    ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);
}

/// <summary>A provider that always returns the same credentials (an FC invocation's, or fixed keys).</summary>
public sealed class StaticCredentialsProvider(CloudCredentials credentials) : ICredentialsProvider
{
    /// <inheritdoc />
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => new(credentials);

    /// <inheritdoc />
    public override string ToString() => $"StaticCredentialsProvider({credentials})";
}
