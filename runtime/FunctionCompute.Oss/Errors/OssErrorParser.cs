using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Oss.Http;

namespace FunctionCompute.Oss;

/// <summary>Turns a non-2xx OSS response into an <see cref="OssException"/>.</summary>
internal static class OssErrorParser
{
    internal const string BadErrorResponse = "BadErrorResponse";

    public static async Task<OssException> FromResponseAsync(HttpResponseMessage response, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        string? body = null;
        if (response.Headers.TryGetValues("x-oss-err", out var errHeader))
        {
            // HEAD responses cannot have a body, so OSS puts the error XML base64-encoded in this header.
            try { body = Encoding.UTF8.GetString(Convert.FromBase64String(errHeader.First())); }
            catch (FormatException) { body = null; }
        }
        else if (response.Content is not null)
        {
            body = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }

        return Parse(response.StatusCode, body, response.Headers, secrets);
    }

    public static OssException Parse(HttpStatusCode status, string? body, HttpResponseHeaders? headers, IReadOnlyList<string> secrets)
    {
        var headerRequestId = Header(headers, "x-oss-request-id");
        var headerEc = Header(headers, "x-oss-ec");
        var headerDate = headers?.Date;

        if (string.IsNullOrWhiteSpace(body))
        {
            var code = status switch
            {
                HttpStatusCode.NotFound => "NoSuchKey",
                HttpStatusCode.PreconditionFailed => "PreconditionFailed",
                HttpStatusCode.NotModified => "NotModified",
                _ => BadErrorResponse,
            };
            return new OssException(status, code, code == BadErrorResponse ? "The error response had no body." : null,
                headerRequestId, null, headerEc, serverTime: headerDate);
        }

        OssXmlElement root;
        try
        {
            root = OssXml.Parse(body);
        }
        catch (XmlException ex)
        {
            return new OssException(status, BadErrorResponse, $"The error response is not valid XML ({ex.Message}); first bytes: {Snippet(Redact(body, secrets))}",
                headerRequestId, null, headerEc, serverTime: headerDate);
        }
        catch (OssXml.LimitException ex)
        {
            return new OssException(status, BadErrorResponse, $"The error response {ex.Message}.", headerRequestId, null, headerEc, serverTime: headerDate);
        }

        if (root.Name != "Error")
        {
            return new OssException(status, BadErrorResponse, $"The error response is XML but not an OSS <Error> document (root <{root.Name}>).",
                headerRequestId, null, headerEc, serverTime: headerDate);
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in root.Elements())
        {
            details[e.Name] = Redact(e.Value, secrets);
        }

        string? Get(string name) => details.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var serverTime = DateTimeOffset.TryParse(Get("ServerTime"), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var st) ? st : headerDate;
        return new OssException(status, Get("Code") ?? BadErrorResponse, Get("Message"), Get("RequestId") ?? headerRequestId,
            Get("HostId"), Get("EC") ?? headerEc, details, serverTime);
    }

    // Reads at most MaxErrorBodyBytes and stops: a longer body is cut (the excerpt is enough to report it), and
    // disposing the response then closes the connection instead of reading the rest.
    private static async Task<string> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeStream = stream.ConfigureAwait(false);
        var buffer = new byte[content.Headers.ContentLength is long declared and < OssResponseLimits.MaxErrorBodyBytes ? declared : OssResponseLimits.MaxErrorBodyBytes];
        int total = 0, n;
        while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    internal static string Redact(string value, IReadOnlyList<string> secrets) =>
        SecretMask.Apply(value, secrets.ToArray());

    private static string Snippet(string body) => TextCut.Truncate(body, 120);

    private static string? Header(HttpResponseHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
