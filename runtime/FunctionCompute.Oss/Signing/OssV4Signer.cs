using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FunctionCompute.Oss.Signing;

/// <summary>
/// OSS Signature Version 4 (<c>OSS4-HMAC-SHA256</c>), header form. Pure functions: the caller puts
/// <c>x-oss-date</c>, <c>x-oss-content-sha256</c> and (for STS) <c>x-oss-security-token</c> into the
/// request's headers first, because they are signed. Usable by a client to sign and by a server to verify.
/// </summary>
public static class OssV4Signer
{
    /// <summary>The algorithm name in the Authorization header and string to sign.</summary>
    public const string Algorithm = "OSS4-HMAC-SHA256";

    /// <summary>The only payload hash OSS accepts in <c>x-oss-content-sha256</c>: the body is never hashed.</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The last element of the credential scope.</summary>
    public const string TerminationString = "aliyun_v4_request";

    /// <summary>The default product in the scope.</summary>
    public const string DefaultProduct = "oss";

    /// <summary>The <c>x-oss-date</c> format, e.g. <c>20261123T100000Z</c>.</summary>
    public const string DateTimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Formats a time as <c>x-oss-date</c> (UTC).</summary>
    public static string FormatDateTime(DateTimeOffset time) => time.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Signs <paramref name="request"/>; its headers must contain <c>x-oss-date</c>.</summary>
    /// <exception cref="ArgumentException">The request has no valid <c>x-oss-date</c> header.</exception>
    public static OssV4Signature Sign(OssSigningRequest request, string accessKeyId, string accessKeySecret, string region, string product = DefaultProduct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(accessKeySecret);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(product);

        var dateTime = request.GetHeader("x-oss-date")?.Trim() ?? "";
        if (!DateTime.TryParseExact(dateTime, DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new ArgumentException("The request needs an x-oss-date header in yyyyMMddTHHmmssZ form before it can be signed.", nameof(request));
        }

        var date = dateTime[..8];
        IReadOnlyList<string> additional = ResolveAdditionalHeaders(request);
        var canonicalRequest = BuildCanonicalRequest(request, additional);
        var scope = $"{date}/{region}/{product}/{TerminationString}";
        var stringToSign = BuildStringToSign(dateTime, scope, canonicalRequest);
        var signingKey = DeriveSigningKey(accessKeySecret, date, region, product);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        var additionalList = string.Join(';', additional);
        var authorization = additional.Count == 0
            ? $"{Algorithm} Credential={accessKeyId}/{scope},Signature={signature}"
            : $"{Algorithm} Credential={accessKeyId}/{scope},AdditionalHeaders={additionalList},Signature={signature}";
        return new OssV4Signature(canonicalRequest, stringToSign, signature, authorization, scope, additionalList);
    }

    /// <summary>
    /// Server side: recomputes the signature of <paramref name="request"/> with the scope and additional
    /// headers named in <paramref name="authorization"/> and compares in constant time. Checking that the
    /// scope region/date are acceptable, and the clock skew, is left to the caller.
    /// Internal: only the emulator (tools/OssEmulator) checks signatures; a client never verifies one.
    /// </summary>
    internal static bool Verify(OssSigningRequest request, OssV4Authorization authorization, string accessKeySecret)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(authorization);
        var dateTime = request.GetHeader("x-oss-date");
        if (dateTime is null || !dateTime.Trim().StartsWith(authorization.Date, StringComparison.Ordinal))
        {
            return false;
        }

        request.AdditionalHeaders.Clear();
        request.AdditionalHeaders.AddRange(authorization.AdditionalHeaders);
        OssV4Signature expected;
        try
        {
            expected = Sign(request, authorization.AccessKeyId, accessKeySecret, authorization.Region, authorization.Product);
        }
        catch (ArgumentException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected.Signature),
            Encoding.ASCII.GetBytes(authorization.Signature.ToLowerInvariant()));
    }

    /// <summary>
    /// The canonical request: method, canonical URI (<c>/bucket/key</c> regardless of URL style), canonical
    /// query, canonical headers (ending with a newline, hence the blank line), additional header names, payload hash.
    /// </summary>
    public static string BuildCanonicalRequest(OssSigningRequest request, IReadOnlyList<string> additionalHeaders)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(additionalHeaders);
        var headers = CollectHeaders(request);
        var payload = headers.TryGetValue("x-oss-content-sha256", out var p) ? p : UnsignedPayload;
        var sb = new StringBuilder(256);
        sb.Append(request.Method).Append('\n');
        sb.Append(BuildCanonicalUri(request.Bucket, request.Key)).Append('\n');
        sb.Append(BuildCanonicalQuery(request.Query)).Append('\n');
        foreach (var (name, value) in headers)
        {
            if (IsDefaultSigned(name) || additionalHeaders.Contains(name))
            {
                sb.Append(name).Append(':').Append(value).Append('\n');
            }
        }

        sb.Append('\n');
        sb.Append(string.Join(';', additionalHeaders)).Append('\n');
        sb.Append(payload);
        return sb.ToString();
    }

    /// <summary>The string to sign for a canonical request.</summary>
    public static string BuildStringToSign(string dateTime, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{dateTime}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary><c>/</c>, <c>/bucket/</c> or <c>/bucket/key</c>, percent-encoded with <c>/</c> kept.</summary>
    public static string BuildCanonicalUri(string? bucket, string? key) =>
        OssUriEncoding.Encode("/" + (string.IsNullOrEmpty(bucket) ? "" : bucket + "/") + (key ?? ""), keepSlash: true);

    /// <summary>
    /// Every query parameter, key and value encoded, sorted ordinally by encoded key, valueless ones as the
    /// bare key (no <c>=</c>). The same string is used as the wire query so the two cannot disagree.
    /// </summary>
    public static string BuildCanonicalQuery(IEnumerable<KeyValuePair<string, string?>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var items = new List<(string Key, string Value)>();
        foreach (var (k, v) in query)
        {
            items.Add((OssUriEncoding.Encode(k), string.IsNullOrEmpty(v) ? "" : OssUriEncoding.Encode(v)));
        }

        items.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        var sb = new StringBuilder();
        foreach (var (k, v) in items)
        {
            if (sb.Length > 0) sb.Append('&');
            sb.Append(k);
            if (v.Length > 0) sb.Append('=').Append(v);
        }

        return sb.ToString();
    }

    /// <summary>The signing key chain: HMAC over date, region, product and the termination string.</summary>
    public static byte[] DeriveSigningKey(string accessKeySecret, string date, string region, string product = DefaultProduct)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("aliyun_v4" + accessKeySecret), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(product));
        return HMACSHA256.HashData(kService, Encoding.UTF8.GetBytes(TerminationString));
    }

    /// <summary>Headers OSS always signs: <c>content-type</c>, <c>content-md5</c> and every <c>x-oss-*</c>.</summary>
    public static bool IsDefaultSigned(string lowerCaseName) =>
        lowerCaseName is "content-type" or "content-md5" || lowerCaseName.StartsWith("x-oss-", StringComparison.Ordinal);

    // Additional headers: lowercase, de-duplicated, sorted; default-signed and absent ones dropped (as go-v2 does),
    // because listing an absent header would make the server reject the request.
    private static List<string> ResolveAdditionalHeaders(OssSigningRequest request)
    {
        var present = CollectHeaders(request);
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in request.AdditionalHeaders)
        {
            var lower = name.Trim().ToLowerInvariant();
            if (lower.Length > 0 && !IsDefaultSigned(lower) && present.ContainsKey(lower))
            {
                result.Add(lower);
            }
        }

        return [.. result];
    }

    private static SortedDictionary<string, string> CollectHeaders(OssSigningRequest request)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            var lower = name.Trim().ToLowerInvariant();
            var trimmed = value.Trim();
            headers[lower] = headers.TryGetValue(lower, out var existing) ? existing + "," + trimmed : trimmed;
        }

        return headers;
    }
}
