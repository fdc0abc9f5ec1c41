namespace FunctionCompute.Oss.Signing;

/// <summary>
/// The intermediate and final forms of a V4 signature, exposed so they can be compared with the
/// server's <c>CanonicalRequest</c>/<c>StringToSign</c> when debugging a <c>SignatureDoesNotMatch</c>.
/// </summary>
public sealed class OssV4Signature
{
    internal OssV4Signature(string canonicalRequest, string stringToSign, string signature, string authorization, string scope, string additionalHeaders)
    {
        CanonicalRequest = canonicalRequest;
        StringToSign = stringToSign;
        Signature = signature;
        Authorization = authorization;
        Scope = scope;
        AdditionalHeaders = additionalHeaders;
    }

    /// <summary>The canonical request. Contains the security token when one is signed: do not log it.</summary>
    public string CanonicalRequest { get; }

    /// <summary>The string to sign (algorithm, date, scope, hash of the canonical request).</summary>
    public string StringToSign { get; }

    /// <summary>The lowercase hex signature.</summary>
    public string Signature { get; }

    /// <summary>The complete <c>Authorization</c> header value.</summary>
    public string Authorization { get; }

    /// <summary>The credential scope, <c>yyyyMMdd/region/oss/aliyun_v4_request</c>.</summary>
    public string Scope { get; }

    /// <summary>The <c>;</c>-joined additional signed header names (empty when none).</summary>
    public string AdditionalHeaders { get; }

    /// <summary>The Authorization value only; the canonical request is left out because it may contain a security token.</summary>
    public override string ToString() => Authorization;
}
