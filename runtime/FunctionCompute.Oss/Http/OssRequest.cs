using FunctionCompute.Credentials;

namespace FunctionCompute.Oss.Http;

/// <summary>One logical OSS call, re-materialised as a fresh HttpRequestMessage (and re-signed) per attempt.</summary>
internal sealed class OssRequest(HttpMethod method, string? bucket, string? key)
{
    public HttpMethod Method { get; } = method;

    public string? Bucket { get; } = bucket;

    public string? Key { get; } = key;

    public List<KeyValuePair<string, string?>> Query { get; } = [];

    /// <summary>Non-content headers (x-oss-*, Range, Cache-Control…). Content-Type/MD5 go through the body.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public string? ContentType { get; set; }

    public OssRequestBody? Body { get; set; }

    public CloudCredentials? Credentials { get; set; }

    /// <summary>Compare the body's CRC with <c>x-oss-hash-crc64ecma</c> (uploads).</summary>
    public bool VerifyUploadCrc { get; set; }

    public OssRequest AddQuery(string name, string? value = null)
    {
        Query.Add(new(name, value));
        return this;
    }

    public OssRequest AddHeader(string name, string? value)
    {
        if (value is not null) Headers.Add(new(name, value));
        return this;
    }

    public override string ToString() => $"{Method} {Bucket}/{Key}";
}
