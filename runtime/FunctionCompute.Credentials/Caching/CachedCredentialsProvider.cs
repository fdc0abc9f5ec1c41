namespace FunctionCompute.Credentials.Caching;

/// <summary>
/// Caches another provider's credentials and refreshes them ahead of expiry.
/// <list type="bullet">
/// <item>Thread-safe and single-flight: however many callers arrive while a refresh is due, the inner provider is called once.</item>
/// <item>Never returns a credential that expires within <see cref="CachingOptions.ExpiryBuffer"/>.</item>
/// <item>If a refresh fails while the cached credential is still usable, the cached one is served and the
/// refresh is retried after <see cref="CachingOptions.RetryDelay"/> (doubling up to <see cref="CachingOptions.MaxRetryDelay"/>).</item>
/// <item>Credentials without an expiry are cached until <see cref="Invalidate"/>.</item>
/// </list>
/// A caller's cancellation token only stops that caller's wait, never the shared refresh.
/// </summary>
public sealed class CachedCredentialsProvider : INamedCredentialsProvider
{
    private readonly Func<CancellationToken, ValueTask<CloudCredentials>> _fetch;
    private readonly CachingOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Entry? _entry;
    private Task<Entry>? _inflight;
    private DateTimeOffset _nextAttemptAt = DateTimeOffset.MinValue;
    private int _consecutiveFailures;
    private int _refreshCount;

    private sealed record Entry(CloudCredentials Credentials, DateTimeOffset RefreshAt, DateTimeOffset UsableUntil);

    /// <summary>Caches <paramref name="inner"/>'s credentials.</summary>
    public CachedCredentialsProvider(ICredentialsProvider inner, CachingOptions? options = null, TimeProvider? timeProvider = null)
        : this(ArgumentNullExceptionHelper(inner).GetCredentialsAsync, (inner as INamedCredentialsProvider)?.ProviderName ?? inner.GetType().Name, options, timeProvider)
    {
    }

    /// <summary>Caches what <paramref name="fetch"/> returns; <paramref name="providerName"/> names it in errors.</summary>
    public CachedCredentialsProvider(Func<CancellationToken, ValueTask<CloudCredentials>> fetch, string providerName, CachingOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        _fetch = fetch;
        ProviderName = providerName;
        _options = options ?? new CachingOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string ProviderName { get; }

    /// <summary>How many times the inner provider has been called (successfully or not).</summary>
    public int RefreshCount => Volatile.Read(ref _refreshCount);

    /// <summary>The cached credential, if any (it may be due for refresh).</summary>
    public CloudCredentials? Current => Volatile.Read(ref _entry)?.Credentials;

    /// <summary>Drops the cached credential: the next call refreshes.</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            _entry = null;
            _nextAttemptAt = DateTimeOffset.MinValue;
        }
    }

    /// <inheritdoc />
    public async ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var entry = Volatile.Read(ref _entry);
        var now = _time.GetUtcNow();
        if (entry is not null && now < entry.RefreshAt) return entry.Credentials;

        TaskCompletionSource<Entry>? owner = null;
        Task<Entry> refresh;
        lock (_lock)
        {
            entry = _entry;
            now = _time.GetUtcNow();
            if (entry is not null && now < entry.RefreshAt) return entry.Credentials;
            // A refresh failed recently and the old credential still works: serve it until the retry time.
            if (entry is not null && now < entry.UsableUntil && now < _nextAttemptAt && _inflight is null) return entry.Credentials;
            if (_inflight is null)
            {
                owner = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
                _inflight = owner.Task;
            }
            refresh = _inflight;
        }
        if (owner is not null) _ = RefreshAsync(owner);

        try
        {
            return (await refresh.WaitAsync(cancellationToken).ConfigureAwait(false)).Credentials;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            var current = Volatile.Read(ref _entry);
            if (current is not null && _time.GetUtcNow() < current.UsableUntil) return current.Credentials;
            throw;
        }
    }

    private async Task RefreshAsync(TaskCompletionSource<Entry> owner)
    {
        Interlocked.Increment(ref _refreshCount);
        try
        {
            var credentials = await _fetch(CancellationToken.None).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (credentials is null || credentials.IsEmpty)
                throw new CredentialsException(ProviderName, "the provider returned no credentials");
            Entry entry;
            if (credentials.Expiration is { } expiration)
            {
                var usableUntil = expiration - _options.ExpiryBuffer;
                if (usableUntil <= now)
                    throw new CredentialsException(ProviderName, $"the provider returned credentials that are already expired or about to (Expiration {expiration:O}, now {now:O})");
                var lifetime = expiration - now;
                var margin = _options.RefreshBeforeExpiry < lifetime / 2 ? _options.RefreshBeforeExpiry : lifetime / 2;
                entry = new Entry(credentials, expiration - margin, usableUntil);
            }
            else
            {
                entry = new Entry(credentials, DateTimeOffset.MaxValue, DateTimeOffset.MaxValue);
            }
            lock (_lock)
            {
                _entry = entry;
                _consecutiveFailures = 0;
                _nextAttemptAt = DateTimeOffset.MinValue;
                _inflight = null;
            }
            owner.SetResult(entry);
        }
        catch (Exception exception)
        {
            lock (_lock)
            {
                _consecutiveFailures++;
                var delay = _options.RetryDelay * Math.Pow(2, Math.Min(_consecutiveFailures - 1, 16));
                if (delay > _options.MaxRetryDelay) delay = _options.MaxRetryDelay;
                _nextAttemptAt = _time.GetUtcNow() + delay;
                _inflight = null;
            }
            owner.SetException(exception);
            _ = owner.Task.Exception; // observed: callers that gave up must not leave it unobserved
        }
    }

    private static ICredentialsProvider ArgumentNullExceptionHelper(ICredentialsProvider inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner;
    }

    /// <inheritdoc />
    public override string ToString() => $"CachedCredentialsProvider({ProviderName}, {Current?.ToString() ?? "empty"})";
}
