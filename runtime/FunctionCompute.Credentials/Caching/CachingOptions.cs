namespace FunctionCompute.Credentials.Caching;

/// <summary>When a <see cref="CachedCredentialsProvider"/> refreshes.</summary>
public sealed class CachingOptions
{
    /// <summary>
    /// Refresh this long before <see cref="CloudCredentials.Expiration"/> (the Java/Python/Node "stale time",
    /// 15 minutes), but never earlier than half-way through the credential's lifetime.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A credential is never handed out when it expires within this margin (so a request signed with it
    /// still reaches the service in time). Default 10 s.
    /// </summary>
    public TimeSpan ExpiryBuffer { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After a failed refresh (while the old credential is still usable) wait this long before the next attempt; doubles per failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound of the doubling retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
}
