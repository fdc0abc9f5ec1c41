using System.Text;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss.Addressing;

/// <summary>
/// Builds request URLs. Virtual-hosted style puts the bucket in the host (<c>bucket.endpoint/key</c>); path
/// style puts it first in the path (<c>endpoint/bucket/key</c>). Either way the key and query go through the
/// signer's encoder so the wire form is byte-identical to what was signed.
/// </summary>
public static class OssUrlBuilder
{
    /// <summary>Builds the URL of a service-, bucket- or object-level request.</summary>
    public static Uri Build(OssEndpoint endpoint, string? bucket, string? key, IEnumerable<KeyValuePair<string, string?>> query, bool pathStyle)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(query);
        var usePath = pathStyle || endpoint.RequiresPathStyle;
        var sb = new StringBuilder(128).Append(endpoint.Scheme).Append("://");
        if (!string.IsNullOrEmpty(bucket) && !usePath)
        {
            sb.Append(bucket).Append('.');
        }

        sb.Append(endpoint.Authority).Append('/');
        if (!string.IsNullOrEmpty(bucket) && usePath)
        {
            sb.Append(bucket).Append('/');
        }

        if (!string.IsNullOrEmpty(key))
        {
            sb.Append(OssUriEncoding.Encode(key, keepSlash: true));
        }

        var q = OssV4Signer.BuildCanonicalQuery(query);
        if (q.Length > 0)
        {
            sb.Append('?').Append(q);
        }

        // Without this, Uri would collapse "a/../b" or "./" segments in keys and unescape some %XX, so the
        // request line would no longer match the signed canonical URI.
        return new Uri(sb.ToString(), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }
}
