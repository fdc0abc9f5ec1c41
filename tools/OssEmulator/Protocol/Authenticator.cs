using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FunctionCompute.Oss.Signing;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>The credential table: by key id, plus token → key id to tell a foreign token from a bogus one.</summary>
internal sealed class CredentialTable
{
    private readonly ConcurrentDictionary<string, EmulatorCredential> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _idByToken = new(StringComparer.Ordinal);

    public void Add(EmulatorCredential credential)
    {
        _byId[credential.AccessKeyId] = credential;
        if (credential.SecurityToken is { } t) _idByToken[t] = credential.AccessKeyId;
    }

    public bool Remove(string accessKeyId)
    {
        if (!_byId.TryRemove(accessKeyId, out var c)) return false;
        if (c.SecurityToken is { } t) _idByToken.TryRemove(t, out _);
        return true;
    }

    public EmulatorCredential? Find(string accessKeyId) => _byId.TryGetValue(accessKeyId, out var c) ? c : null;

    public string? OwnerOfToken(string token) => _idByToken.TryGetValue(token, out var id) ? id : null;

    public int Count => _byId.Count;
}

/// <summary>
/// Authenticates a request the way OSS does for header-signed V4 requests, in this order: Authorization
/// present and well-formed, <c>x-oss-content-sha256</c>, <c>x-oss-date</c> and clock skew, key id,
/// security token (missing/foreign/invalid/expired), scope region, and finally the signature itself
/// (recomputed with <see cref="OssV4Signer"/> and compared in constant time).
/// </summary>
internal sealed class Authenticator(OssEmulatorOptions options, CredentialTable credentials)
{
    public EmulatorCredential Authenticate(HttpRequest request, OssCall call)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            if (call.HasQuery("x-oss-signature") || call.HasQuery("Signature"))
            {
                throw OssError.NotImplemented("presigned URLs (sign requests with the Authorization header)");
            }

            throw OssError.Anonymous();
        }

        if (!header.StartsWith(OssV4Signer.Algorithm + " ", StringComparison.Ordinal))
        {
            throw OssError.InvalidArgument("The OSS emulator only accepts OSS4-HMAC-SHA256 (V4) Authorization headers.", "Authorization", null, "0002-00000202");
        }

        if (!OssV4Authorization.TryParse(header, out var auth) || auth is null)
        {
            throw OssError.InvalidArgument("The Authorization header is invalid.", "Authorization", null, "0002-00000202");
        }

        call.AccessKeyId = auth.AccessKeyId;
        if (auth.Product != OssV4Signer.DefaultProduct)
        {
            throw OssError.InvalidArgument("The Credential in the Authorization header is invalid.", "Credential", null, "0002-00000213");
        }

        var payload = request.Headers["x-oss-content-sha256"].ToString();
        if (payload != OssV4Signer.UnsignedPayload)
        {
            throw OssError.InvalidArgument("The x-oss-content-sha256 header is missing or invalid; it must be UNSIGNED-PAYLOAD.", "x-oss-content-sha256", null, "0002-00000214");
        }

        var dateHeader = request.Headers["x-oss-date"].ToString();
        if (string.IsNullOrEmpty(dateHeader))
        {
            throw OssError.AccessDenied("The x-oss-date header is required by OSS4-HMAC-SHA256.", "0002-00000503");
        }

        if (!DateTime.TryParseExact(dateHeader.Trim(), OssV4Signer.DateTimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var requestTime))
        {
            throw OssError.AccessDenied("The x-oss-date header is not in yyyyMMdd'T'HHmmss'Z' format.", "0002-00000502");
        }

        var now = options.TimeProvider.GetUtcNow();
        var requestInstant = new DateTimeOffset(requestTime, TimeSpan.Zero);
        if ((now - requestInstant).Duration() > options.MaxClockSkew)
        {
            throw OssError.RequestTimeTooSkewed(requestInstant, now, options.MaxClockSkew);
        }

        var token = request.Headers["x-oss-security-token"].ToString();
        if (string.IsNullOrEmpty(token)) token = null;
        var credential = credentials.Find(auth.AccessKeyId);
        if (credential is null)
        {
            throw OssError.InvalidAccessKeyId(auth.AccessKeyId, token is null ? null : "0002-00000002");
        }

        if (credential.SecurityToken is null)
        {
            // OSS treats any request with a token as an STS request; a long-term key id is not an STS key id.
            if (token is not null) throw OssError.InvalidAccessKeyId(auth.AccessKeyId, "0002-00000002");
            if (credential.Expiration is { } exp && exp <= now) throw OssError.InvalidAccessKeyId(auth.AccessKeyId);
        }
        else
        {
            // An STS key id without its token is unknown to OSS (docs: "SecurityToken is missing from the request").
            if (token is null) throw OssError.InvalidAccessKeyId(auth.AccessKeyId);
            if (!FixedTimeEquals(token, credential.SecurityToken))
            {
                var owner = credentials.OwnerOfToken(token);
                throw owner is not null && owner != credential.AccessKeyId ? OssError.TokenNotMatch() : OssError.InvalidSecurityToken();
            }

            if (credential.Expiration is { } exp && exp <= now) throw OssError.SecurityTokenExpired();
        }

        if (!string.Equals(auth.Region, options.Region, StringComparison.Ordinal))
        {
            throw new OssError(403, "SignatureDoesNotMatch",
                $"Invalid signing region in Authorization header: '{auth.Region}'; this endpoint expects '{options.Region}'.", "0002-00000228",
                [("OSSAccessKeyId", auth.AccessKeyId)]);
        }

        var signing = call.ToSigningRequest(request);
        if (!OssV4Signer.Verify(signing, auth, credential.AccessKeySecret))
        {
            var extra = new List<(string, string)> { ("OSSAccessKeyId", auth.AccessKeyId), ("SignatureProvided", auth.Signature) };
            try
            {
                // The string to sign holds only the date, scope and a hash: safe to return. The canonical
                // request is not returned because it contains the security token.
                var stringToSign = OssV4Signer.Sign(signing, auth.AccessKeyId, credential.AccessKeySecret, auth.Region, auth.Product).StringToSign;
                extra.Add(("StringToSign", stringToSign));
                extra.Add(("StringToSignBytes", string.Join(' ', Encoding.UTF8.GetBytes(stringToSign).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))));
            }
            catch (ArgumentException)
            {
            }

            throw new OssError(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.", null, extra);
        }

        return credential;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
