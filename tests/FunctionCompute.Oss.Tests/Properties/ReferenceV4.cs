using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FunctionCompute.Oss.Tests.Properties;

/// <summary>A request as plain data, for the reference signer.</summary>
internal sealed record V4Input(
    string Method,
    string? Bucket,
    string? Key,
    IReadOnlyList<(string Name, string? Value)> Query,
    IReadOnlyList<(string Name, string Value)> Headers,
    IReadOnlyList<string> AdditionalHeaders);

/// <summary>
/// An independent OSS V4 signer written from docs/oss.md §2 (and the public "signature version 4" page),
/// sharing no code with the library: used as the oracle the library's canonical forms must equal.
/// </summary>
internal static class ReferenceV4
{
    // RFC 3986 unreserved characters stay, every other UTF-8 byte is %XX in upper-case hex (§2.3, §2.4).
    public static string Escape(string value, bool keepSlash)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            var keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c is '-' or '.' or '_' or '~'
                || (keepSlash && c == '/');
            sb.Append(keep ? c.ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    // §2.3: "/" + bucket + "/" + key, the bucket-level form keeps its trailing slash.
    public static string CanonicalUri(string? bucket, string? key) =>
        Escape("/" + (bucket is null ? "" : bucket + "/") + (key ?? ""), keepSlash: true);

    // §2.4: all parameters, encoded, sorted ordinally by encoded key; an empty value is the bare key.
    public static string CanonicalQuery(IEnumerable<(string Name, string? Value)> query) =>
        string.Join('&', query
            .Select(q => (Key: Escape(q.Name, false), Value: string.IsNullOrEmpty(q.Value) ? null : Escape(q.Value, false)))
            .OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => q.Value is null ? q.Key : q.Key + "=" + q.Value));

    private static bool SignedByDefault(string lowerName) =>
        lowerName == "content-type" || lowerName == "content-md5" || lowerName.StartsWith("x-oss-", StringComparison.Ordinal);

    // §2.5: lower-case, de-duplicated, sorted; only headers not signed anyway and actually present.
    public static List<string> ResolveAdditional(V4Input input)
    {
        var present = input.Headers.Select(h => h.Name.ToLowerInvariant()).ToHashSet();
        return input.AdditionalHeaders.Select(a => a.ToLowerInvariant())
            .Where(a => !SignedByDefault(a) && present.Contains(a))
            .Distinct().OrderBy(a => a, StringComparer.Ordinal).ToList();
    }

    // §2.2 with §2.5's header lines: "name:trimmed-value\n" sorted, repeated names joined by ','.
    public static string CanonicalRequest(V4Input input)
    {
        var additional = ResolveAdditional(input);
        var lines = input.Headers
            .GroupBy(h => h.Name.ToLowerInvariant())
            .Where(g => SignedByDefault(g.Key) || additional.Contains(g.Key))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key + ":" + string.Join(',', g.Select(h => h.Value.Trim())) + "\n");
        var payload = input.Headers.First(h => h.Name.Equals("x-oss-content-sha256", StringComparison.OrdinalIgnoreCase)).Value.Trim();
        return input.Method + "\n" + CanonicalUri(input.Bucket, input.Key) + "\n" + CanonicalQuery(input.Query) + "\n"
            + string.Concat(lines) + "\n" + string.Join(';', additional) + "\n" + payload;
    }

    // §2.6: string to sign, the HMAC chain and the Authorization layout of go-v2.
    public static (string Signature, string Authorization) Sign(V4Input input, string accessKeyId, string secret, string region)
    {
        var dateTime = input.Headers.First(h => h.Name.Equals("x-oss-date", StringComparison.OrdinalIgnoreCase)).Value.Trim();
        var date = dateTime[..8];
        var scope = $"{date}/{region}/oss/aliyun_v4_request";
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalRequest(input)))).ToLowerInvariant();
        var stringToSign = $"OSS4-HMAC-SHA256\n{dateTime}\n{scope}\n{hash}";
        var key = Encoding.UTF8.GetBytes("aliyun_v4" + secret);
        foreach (var part in new[] { date, region, "oss", "aliyun_v4_request" }) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        var signature = Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign))).ToLowerInvariant();
        var additional = ResolveAdditional(input);
        var authorization = $"OSS4-HMAC-SHA256 Credential={accessKeyId}/{scope},"
            + (additional.Count > 0 ? $"AdditionalHeaders={string.Join(';', additional)}," : "")
            + $"Signature={signature}";
        return (signature, authorization);
    }
}
