using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FunctionCompute.Credentials.Internal;

namespace FunctionCompute.Credentials.Signing;

/// <summary>
/// Alibaba Cloud POP RPC request signature, version 1.0 (HMAC-SHA1), as the STS credential providers use it:
/// <c>Signature = Base64(HMAC-SHA1(secret + "&amp;", METHOD + "&amp;%2F&amp;" + percentEncode(canonicalizedQueryString)))</c>.
/// </summary>
public static class RpcSignature
{
    /// <summary>The <c>SignatureMethod</c> parameter value.</summary>
    public const string SignatureMethod = "HMAC-SHA1";

    /// <summary>The <c>SignatureVersion</c> parameter value.</summary>
    public const string SignatureVersion = "1.0";

    /// <summary>
    /// RFC 3986 percent-encoding of the UTF-8 bytes: <c>A-Z a-z 0-9 - _ . ~</c> are kept, everything else
    /// becomes <c>%XX</c> with upper-case hex (space is <c>%20</c>, never <c>+</c>).
    /// </summary>
    public static string PercentEncode(string value) => PercentEncoding.Encode(value);

    /// <summary>
    /// The parameters sorted by name (ordinal), each <c>percentEncode(name)=percentEncode(value)</c>, joined by <c>&amp;</c>.
    /// A <c>Signature</c> parameter is left out.
    /// </summary>
    public static string CanonicalizedQueryString(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return string.Join('&', parameters
            .Where(p => p.Key != "Signature")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => PercentEncode(p.Key) + "=" + PercentEncode(p.Value)));
    }

    /// <summary><c>METHOD&amp;%2F&amp;percentEncode(canonicalizedQueryString)</c>.</summary>
    public static string StringToSign(string httpMethod, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(httpMethod);
        return httpMethod.ToUpperInvariant() + "&" + PercentEncode("/") + "&" + PercentEncode(CanonicalizedQueryString(parameters));
    }

    /// <summary><c>Base64(HMAC-SHA1(key = secret + "&amp;", stringToSign))</c>.</summary>
    public static string Sign(string stringToSign, string accessKeySecret)
    {
        ArgumentNullException.ThrowIfNull(stringToSign);
        ArgumentNullException.ThrowIfNull(accessKeySecret);
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret + "&"), Encoding.UTF8.GetBytes(stringToSign));
        return Convert.ToBase64String(mac);
    }

    /// <summary>Signs a full parameter set for an HTTP method.</summary>
    public static string Sign(string httpMethod, IEnumerable<KeyValuePair<string, string>> parameters, string accessKeySecret) =>
        Sign(StringToSign(httpMethod, parameters), accessKeySecret);

    /// <summary>The <c>Timestamp</c> format: UTC <c>yyyy-MM-ddTHH:mm:ssZ</c>, no fraction.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Constant-time comparison of two signatures.</summary>
    public static bool SignaturesEqual(string? expected, string? actual) =>
        expected is not null && actual is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
