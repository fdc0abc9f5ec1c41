namespace FunctionCompute.Oss.Signing;

/// <summary>
/// Everything of an HTTP request that OSS V4 signs: method, bucket, key, query and headers.
/// A client fills it before sending; a server (an emulator) fills it from what it received, with
/// the bucket and key already decoded and query values decoded, and verifies the signature.
/// </summary>
public sealed class OssSigningRequest
{
    /// <summary>Creates a request description.</summary>
    /// <param name="method">HTTP method, e.g. <c>PUT</c> (upper case as sent).</param>
    /// <param name="bucket">Bucket name, or null for service-level requests.</param>
    /// <param name="key">Object key (not encoded), or null for bucket-level requests.</param>
    public OssSigningRequest(string method, string? bucket, string? key)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        Method = method;
        Bucket = string.IsNullOrEmpty(bucket) ? null : bucket;
        Key = string.IsNullOrEmpty(key) ? null : key;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The bucket, or null.</summary>
    public string? Bucket { get; }

    /// <summary>The object key (decoded), or null.</summary>
    public string? Key { get; }

    /// <summary>Query parameters (decoded). A null or empty value is a valueless sub-resource such as <c>uploads</c>.</summary>
    public List<KeyValuePair<string, string?>> Query { get; } = [];

    /// <summary>Headers as sent (any case). A name may repeat; repeated values are joined with <c>,</c>.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Extra header names to sign besides the default set (e.g. <c>host</c>); absent ones are ignored.</summary>
    public List<string> AdditionalHeaders { get; } = [];

    /// <summary>Adds a query parameter and returns this request.</summary>
    public OssSigningRequest AddQuery(string name, string? value = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Query.Add(new(name, value));
        return this;
    }

    /// <summary>Adds a header and returns this request.</summary>
    public OssSigningRequest AddHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Headers.Add(new(name, value));
        return this;
    }

    /// <summary>The first value of a header (case-insensitive), or null.</summary>
    public string? GetHeader(string name)
    {
        foreach (var h in Headers)
        {
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    /// <summary>Method and resource only: header values may carry a security token, so they are not shown.</summary>
    public override string ToString() => $"{Method} /{Bucket}{(Key is null ? "" : "/" + Key)}";
}
