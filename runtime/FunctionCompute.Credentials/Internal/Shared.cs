using System.Globalization;
using System.Net;
using System.Text;

namespace FunctionCompute.Credentials.Internal;

internal static class SharedHttp
{
    private static readonly Lazy<HttpClient> Default = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    })
    { Timeout = Timeout.InfiniteTimeSpan });

    public static HttpClient Client => Default.Value;

    /// <summary>Sends with a per-call timeout; a timeout surfaces as <see cref="TimeoutException"/>.</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(
        HttpClient client, HttpRequestMessage request, TimeSpan timeout, int maxBodyChars, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeoutSource.Token).ConfigureAwait(false);
            if (body.Length > maxBodyChars) body = Truncate(body, maxBodyChars);
            return (response.StatusCode, body, response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalMilliseconds:0} ms");
        }
    }

    /// <summary>
    /// Cuts <paramref name="body"/> to at most <paramref name="maxChars"/> without splitting a surrogate pair: half a pair
    /// is invalid UTF-16, which System.Text.Json rejects with ArgumentException rather than JsonException.
    /// </summary>
    internal static string Truncate(string body, int maxChars) =>
        body.Length <= maxChars ? body : body[..(maxChars > 0 && char.IsHighSurrogate(body[maxChars - 1]) ? maxChars - 1 : maxChars)];

    /// <summary>A one-line description of a transport failure, without any payload.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        TimeoutException t => "timed out (" + t.Message + ")",
        HttpRequestException h => "request failed: " + (h.HttpRequestError != HttpRequestError.Unknown ? h.HttpRequestError.ToString() : h.Message),
        _ => exception.GetType().Name + ": " + exception.Message,
    };
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
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out result)) return true;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out result) && value.EndsWith('Z');
    }

    public static string Print(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
