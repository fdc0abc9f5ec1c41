namespace FunctionCompute.Oss.Signing;

/// <summary>
/// A parsed <c>OSS4-HMAC-SHA256</c> Authorization header, for servers verifying a request.
/// Accepts the go/Node/C# SDK layout (<c>Credential=..,AdditionalHeaders=..,Signature=..</c>) and the
/// Python SDK's (spaces after commas, any order).
/// Internal, like <see cref="OssV4Signer.Verify"/>: only the emulator parses the header it is sent.
/// </summary>
internal sealed class OssV4Authorization
{
    private OssV4Authorization(string accessKeyId, string date, string region, string product, IReadOnlyList<string> additionalHeaders, string signature)
    {
        AccessKeyId = accessKeyId;
        Date = date;
        Region = region;
        Product = product;
        AdditionalHeaders = additionalHeaders;
        Signature = signature;
    }

    /// <summary>The access key id from the credential.</summary>
    public string AccessKeyId { get; }

    /// <summary>The scope date, <c>yyyyMMdd</c>.</summary>
    public string Date { get; }

    /// <summary>The scope region, e.g. <c>cn-hangzhou</c>.</summary>
    public string Region { get; }

    /// <summary>The scope product, normally <c>oss</c>.</summary>
    public string Product { get; }

    /// <summary>The additional signed header names, lowercase (empty when none).</summary>
    public IReadOnlyList<string> AdditionalHeaders { get; }

    /// <summary>The hex signature the client sent.</summary>
    public string Signature { get; }

    /// <summary>Parses an Authorization header value; false when it is not a well-formed V4 header.</summary>
    public static bool TryParse(string? header, out OssV4Authorization? authorization)
    {
        authorization = null;
        const string prefix = OssV4Signer.Algorithm + " ";
        if (header is null || !header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string? credential = null, signature = null, additional = null;
        foreach (var part in header[prefix.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                return false;
            }

            string name = part[..eq], value = part[(eq + 1)..];
            switch (name)
            {
                case "Credential": credential = value; break;
                case "Signature": signature = value; break;
                case "AdditionalHeaders": additional = value; break;
                default: return false;
            }
        }

        if (credential is null || string.IsNullOrEmpty(signature) || additional is { Length: 0 })
        {
            return false;
        }

        // Credential = <AccessKeyId>/<yyyyMMdd>/<region>/<product>/aliyun_v4_request; the key id itself has no '/'.
        var c = credential.Split('/');
        if (c.Length != 5 || c[0].Length == 0 || c[1].Length != 8 || c[2].Length == 0 || c[3].Length == 0 || c[4] != OssV4Signer.TerminationString)
        {
            return false;
        }

        var names = additional is null ? [] : additional.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        authorization = new OssV4Authorization(c[0], c[1], c[2], c[3], names, signature);
        return true;
    }

    /// <summary>Key id and scope; the signature is omitted as it is of no use in logs.</summary>
    public override string ToString() => $"{OssV4Signer.Algorithm} Credential={AccessKeyId}/{Date}/{Region}/{Product}/{OssV4Signer.TerminationString}";
}
