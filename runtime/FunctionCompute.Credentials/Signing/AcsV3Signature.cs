using System.Security.Cryptography;
using System.Text;

namespace FunctionCompute.Credentials.Signing;

/// <summary>
/// The newer ACS3-HMAC-SHA256 (V3) request signature, for completeness. STS calls in this library use
/// <see cref="RpcSignature"/> (V1), as the official credential providers do.
/// </summary>
public static class AcsV3Signature
{
    /// <summary>The algorithm name.</summary>
    public const string Algorithm = "ACS3-HMAC-SHA256";

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text (the <c>x-acs-content-sha256</c> of a body).</summary>
    public static string HashHex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// The canonical request: method, path, sorted query (<c>name=percentEncode(value)</c>), the signed
    /// headers (<c>host</c>, <c>content-type</c>, <c>x-acs-*</c>, lower-case, sorted, <c>name:trimmed value\n</c>),
    /// the signed header names, and the payload hash, joined by new lines.
    /// </summary>
    public static string CanonicalRequest(string method, string path, IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, out string signedHeaders)
    {
        var canonicalQuery = string.Join('&', query.OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => q.Key + "=" + RpcSignature.PercentEncode(q.Value)));
        var signed = headers
            .Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value.Trim()))
            .Where(h => h.Key == "host" || h.Key == "content-type" || h.Key.StartsWith("x-acs-", StringComparison.Ordinal))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .ToList();
        signedHeaders = string.Join(';', signed.Select(h => h.Key));
        var canonicalHeaders = string.Concat(signed.Select(h => h.Key + ":" + h.Value + "\n"));
        var canonicalPath = string.Join('/', path.Split('/').Select(RpcSignature.PercentEncode));
        return string.Join('\n', method.ToUpperInvariant(), canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash);
    }

    /// <summary><c>ACS3-HMAC-SHA256\n</c> + hex SHA-256 of the canonical request.</summary>
    public static string StringToSign(string canonicalRequest) => Algorithm + "\n" + HashHex(canonicalRequest);

    /// <summary>The <c>Authorization</c> header value.</summary>
    public static string Authorization(string stringToSign, string signedHeaders, string accessKeyId, string accessKeySecret)
    {
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));
        return $"{Algorithm} Credential={accessKeyId},SignedHeaders={signedHeaders},Signature={signature}";
    }
}
