namespace FunctionCompute.Credentials.Chain;

/// <summary>
/// Tries providers in order. The first that succeeds is remembered and, from then on, is the only one
/// asked (its errors are returned directly, no fall-through), as the official SDKs do. If every provider
/// fails, a <see cref="CredentialsChainException"/> lists each one's reason. A provider returning
/// <see cref="CloudCredentials.None"/> counts as failed.
/// </summary>
public sealed class ChainedCredentialsProvider : INamedCredentialsProvider
{
    private readonly ICredentialsProvider[] _providers;
    private readonly string _name;
    private ICredentialsProvider? _lastUsed;

    /// <summary>Creates a chain of <paramref name="providers"/> named <paramref name="name"/>.</summary>
    public ChainedCredentialsProvider(IEnumerable<ICredentialsProvider> providers, string name = "chain")
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = providers.ToArray();
        if (_providers.Any(p => p is null)) throw new ArgumentException("A chain cannot hold a null provider.", nameof(providers));
        _name = name;
    }

    /// <summary>The providers, in order.</summary>
    public IReadOnlyList<ICredentialsProvider> Providers => _providers;

    /// <summary>The provider that succeeded first, or null before any success.</summary>
    public ICredentialsProvider? LastUsedProvider => Volatile.Read(ref _lastUsed);

    /// <summary><c>&lt;name&gt;/&lt;winning provider&gt;</c> once a provider succeeded, e.g. <c>default/env</c>.</summary>
    public string ProviderName => LastUsedProvider is { } p ? $"{_name}/{NameOf(p)}" : _name;

    /// <inheritdoc />
    public async ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _lastUsed) is { } remembered)
        {
            var credentials = await remembered.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return credentials is { IsEmpty: false } ? credentials : throw new CredentialsException(NameOf(remembered), "returned no credentials");
        }

        var failures = new List<CredentialsProviderFailure>(_providers.Length);
        foreach (var provider in _providers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var credentials = await provider.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
                if (credentials is null || credentials.IsEmpty)
                {
                    failures.Add(new(NameOf(provider), "returned no credentials"));
                    continue;
                }
                Interlocked.CompareExchange(ref _lastUsed, provider, null);
                return credentials;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                failures.Add(new(NameOf(provider), Reason(exception)));
            }
        }
        throw new CredentialsChainException(_name, failures);
    }

    private static string NameOf(ICredentialsProvider provider) => (provider as INamedCredentialsProvider)?.ProviderName ?? provider.GetType().Name;

    private static string Reason(Exception exception) => exception switch
    {
        CredentialsException c => c.Reason,
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <inheritdoc />
    public override string ToString() => $"ChainedCredentialsProvider({_name}: {string.Join(", ", _providers.Select(NameOf))})";
}
