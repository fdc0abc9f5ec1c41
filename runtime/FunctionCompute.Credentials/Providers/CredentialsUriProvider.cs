using System.Net;
using System.Text.Json;
using FunctionCompute.Credentials.Caching;
using FunctionCompute.Credentials.Internal;

namespace FunctionCompute.Credentials.Providers;

/// <summary>
/// Credentials from a URL (<c>ALIBABA_CLOUD_CREDENTIALS_URI</c>): a plain <c>GET</c> answering
/// <c>{"Code":"Success","AccessKeyId":…,"AccessKeySecret":…,"SecurityToken":…,"Expiration":…}</c>.
/// A missing <c>Code</c> is accepted (Go/Node); a <c>Code</c> other than <c>Success</c> is an error (Java/Python).
/// Cached and refreshed ahead of expiry.
/// </summary>
public sealed class CredentialsUriProvider : INamedCredentialsProvider
{
    private readonly Uri _uri;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly CachedCredentialsProvider _cache;

    /// <summary>Creates the provider for <paramref name="uri"/>.</summary>
    public CredentialsUriProvider(Uri uri, CredentialsSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException("The credentials URI must be an absolute http(s) URL.", nameof(uri));
        settings ??= new CredentialsSettings();
        _uri = uri;
        _http = settings.HttpClient ?? SharedHttp.Client;
        _timeout = settings.CredentialsUriTimeout;
        _cache = new CachedCredentialsProvider(FetchAsync, ProviderName, settings.Caching, settings.TimeProvider);
    }

    /// <inheritdoc />
    public string ProviderName => "credential_uri";

    /// <summary>The cache in front of the URL.</summary>
    public CachedCredentialsProvider Cache => _cache;

    /// <inheritdoc />
    public ValueTask<CloudCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => _cache.GetCredentialsAsync(cancellationToken);

    /// <summary>Fetches fresh credentials, bypassing the cache.</summary>
    public async ValueTask<CloudCredentials> FetchAsync(CancellationToken cancellationToken = default)
    {
        HttpStatusCode status;
        string body;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
            (status, body) = await SharedHttp.SendAsync(_http, request, new ClientCall("GET"), _timeout, ResponseLimits.MaxJsonBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (SharedHttp.IsExchangeFailure(exception))
        {
            throw Error($"GET {Where} {SharedHttp.Describe(exception)}");
        }
        if ((int)status is < 200 or > 299) throw Error($"GET {Where} answered HTTP {(int)status}");
        CredentialDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(body, CredentialsJsonContext.Default.CredentialDocument);
        }
        catch (JsonException)
        {
            throw Error($"GET {Where} answered something that is not valid JSON");
        }
        if (document is null) throw Error($"GET {Where} answered an empty document");
        if (document.Code is { } code && !string.Equals(code, "Success", StringComparison.Ordinal))
            throw Error($"GET {Where} answered Code '{code}', not 'Success'");
        if (string.IsNullOrWhiteSpace(document.AccessKeyId) || string.IsNullOrWhiteSpace(document.AccessKeySecret) || string.IsNullOrWhiteSpace(document.SecurityToken))
            throw Error($"GET {Where} answered a document without AccessKeyId, AccessKeySecret or SecurityToken");
        if (!Timestamps.TryParse(document.Expiration, out var expiration))
            throw Error($"GET {Where} answered a document whose Expiration is missing or not yyyy-MM-ddTHH:mm:ssZ");
        return new CloudCredentials(document.AccessKeyId, document.AccessKeySecret, document.SecurityToken, expiration);
    }

    // The URL without its query string: a query may carry a secret.
    private string Where => _uri.GetLeftPart(UriPartial.Path);

    private CredentialsException Error(string message) => new(ProviderName, message);

    /// <inheritdoc />
    public override string ToString() => $"CredentialsUriProvider({Where})";
}
