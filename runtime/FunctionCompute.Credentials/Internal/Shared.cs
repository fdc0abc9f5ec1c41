using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace FunctionCompute.Credentials.Internal;

internal static class SharedHttp
{
    // No redirects: a redirect would carry the metadata token header, or STS's signed query (with the caller's
    // security token), to whatever address the answer names. A 3xx is an error instead (see SendAsync).
    private static readonly Lazy<HttpClient> Default = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
        AllowAutoRedirect = false,
    })
    { Timeout = Timeout.InfiniteTimeSpan });

    public static HttpClient Client => Default.Value;

    /// <summary>The library's client spans (STS, ECS metadata, credentials URI): what an OpenTelemetry tracer adds as a source.</summary>
    public static readonly ActivitySource Source = new("FunctionCompute.Credentials", typeof(SharedHttp).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Sends with a per-call timeout and reads the body as text, at most <paramref name="maxBodyBytes"/> bytes.
    /// A timeout surfaces as <see cref="TimeoutException"/>; a redirect (which is never followed, whatever the
    /// client's settings say about following it) or a longer body as <see cref="ResponseRejectedException"/>.
    /// The exchange is a client span (<paramref name="call"/>) when the library's source is listened to.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(
        HttpClient client, HttpRequestMessage request, ClientCall call, TimeSpan timeout, int maxBodyBytes, CancellationToken cancellationToken)
    {
        using var activity = ClientTracing.Start(Source, call, request);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var requested = request.RequestUri;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            ClientTracing.Answered(activity, response.StatusCode);
            if ((int)response.StatusCode is >= 300 and <= 399 && response.StatusCode != HttpStatusCode.NotModified)
            {
                throw new ResponseRejectedException(ResponseRejectedException.RedirectNotFollowed,
                    $"answered HTTP {(int)response.StatusCode}, a redirect; redirects are not followed, so the request's token or signature goes to no other address",
                    response.StatusCode);
            }
            // HttpClient's redirect handler rewrites the request's URI: an injected client that follows redirects has
            // already sent the request elsewhere (that cannot be undone here), but its answer is not used.
            if (request.RequestUri != requested)
            {
                throw new ResponseRejectedException(ResponseRejectedException.RedirectNotFollowed,
                    "was redirected by the HttpClient given in the settings, which follows redirects (it must not: the request's token or signature goes with them); the answer is not used",
                    response.StatusCode);
            }
            var body = await ReadBodyAsync(response, maxBodyBytes, timeoutSource.Token).ConfigureAwait(false);
            return (response.StatusCode, body);
        }
        catch (Exception exception) when (ClientTracing.Failed(activity, exception))
        {
            throw;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalMilliseconds:0} ms");
        }
    }

    // Reads through a LimitedReadStream: a declared or actual length over the limit fails as soon as it is known,
    // after at most limit + 1 bytes, instead of after the whole body has been buffered.
    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, int maxBodyBytes, CancellationToken cancellationToken)
    {
        ResponseRejectedException TooLarge() => new(ResponseRejectedException.ResponseTooLarge,
            $"answered a body over {ResponseLimits.Describe(maxBodyBytes)}, the limit for this answer; reading stopped there", response.StatusCode);
        if (response.Content.Headers.ContentLength > maxBodyBytes) throw TooLarge();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        // The reader below disposes it (and the body) when it is disposed.
        using var limited = new LimitedReadStream(body, maxBodyBytes, TooLarge, cancellationToken);
        using var reader = new StreamReader(limited, EncodingOf(response.Content), detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    // As ReadAsStringAsync decodes: the Content-Type charset when it names a known encoding, else UTF-8 (a BOM wins).
    private static Encoding EncodingOf(HttpContent content)
    {
        if (content.Headers.ContentType?.CharSet?.Trim('"') is { Length: > 0 } charset)
        {
            try
            {
                return Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                // Unknown charset: fall through to UTF-8.
            }
        }
        return Encoding.UTF8;
    }

    /// <summary>True for the failures <see cref="SendAsync"/> reports about the exchange (not about the caller).</summary>
    public static bool IsExchangeFailure(Exception exception) => exception is HttpRequestException or TimeoutException or ResponseRejectedException;

    /// <summary>A one-line description of a transport failure, without any payload.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        TimeoutException t => "timed out (" + t.Message + ")",
        HttpRequestException h => "request failed: " + (h.HttpRequestError != HttpRequestError.Unknown ? h.HttpRequestError.ToString() : h.Message),
        ResponseRejectedException r => r.Message,
        _ => exception.GetType().Name + ": " + exception.Message,
    };
}

/// <summary>
/// An answer refused by <see cref="SharedHttp.SendAsync"/> before its body was used: a redirect, or a body over
/// its limit. Callers turn it into their own error type (<c>CredentialsException</c>, <c>StsException</c>).
/// </summary>
internal sealed class ResponseRejectedException(string code, string message, HttpStatusCode statusCode) : Exception(message)
{
    /// <summary>The answer was a redirect (3xx), which is not followed.</summary>
    public const string RedirectNotFollowed = "RedirectNotFollowed";

    /// <summary>The body was longer than the limit for its kind (<see cref="ResponseLimits"/>).</summary>
    public const string ResponseTooLarge = "ResponseTooLarge";

    /// <summary><see cref="RedirectNotFollowed"/> or <see cref="ResponseTooLarge"/>.</summary>
    public string Code { get; } = code;

    /// <summary>The HTTP status of the refused answer.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;
}

internal static class Timestamps
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Parses the exact <c>yyyy-MM-ddTHH:mm:ssZ</c> UTC form (lenient on ISO 8601 with offset as a fallback).</summary>
    public static bool TryParse(string? value, out DateTimeOffset result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(value)) return false;
        value = value.Trim();
        if (DateTimeOffset.TryParseExact(value, Format, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out result))
        {
            return true;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out result) && value.EndsWith('Z');
    }

    public static string Print(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
