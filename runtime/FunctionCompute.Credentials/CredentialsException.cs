namespace FunctionCompute.Credentials;

/// <summary>
/// A provider could not supply credentials. Messages name the provider and the reason and never
/// contain an access key secret or a security token.
/// </summary>
public class CredentialsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CredentialsException(string providerName, string message, Exception? innerException = null)
        : base($"{providerName}: {message}", innerException)
    {
        ProviderName = providerName;
        Reason = message;
    }

    /// <summary>The provider that failed, e.g. <c>env</c> or <c>ecs_ram_role</c>.</summary>
    public string ProviderName { get; }

    /// <summary>The reason, without the provider name.</summary>
    public string Reason { get; }
}

/// <summary>One provider's failure inside a chain.</summary>
/// <param name="ProviderName">The provider.</param>
/// <param name="Reason">Why it failed (no secrets).</param>
public sealed record CredentialsProviderFailure(string ProviderName, string Reason);

/// <summary>Every provider of a chain failed; <see cref="Failures"/> lists each one's reason in order.</summary>
public sealed class CredentialsChainException : CredentialsException
{
    /// <summary>Creates the exception from the failures, in chain order.</summary>
    public CredentialsChainException(string chainName, IReadOnlyList<CredentialsProviderFailure> failures)
        : base(chainName, "unable to get credentials from any of the providers in the chain: "
            + (failures.Count == 0 ? "(the chain is empty)" : string.Join("; ", failures.Select(f => $"[{f.ProviderName}] {f.Reason}"))))
    {
        Failures = failures;
    }

    /// <summary>Each provider's failure, in chain order.</summary>
    public IReadOnlyList<CredentialsProviderFailure> Failures { get; }
}
