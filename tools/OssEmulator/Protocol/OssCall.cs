using FunctionCompute.Oss.Signing;
using FunctionCompute.OssEmulator.Faults;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>One OSS request as parsed from the raw request target (path style: <c>/bucket/key?query</c>).</summary>
internal sealed class OssCall
{
    public required string RequestId { get; init; }
    public required string Method { get; init; }
    public string? Bucket { get; set; }
    public string? Key { get; set; }
    public List<KeyValuePair<string, string?>> Query { get; } = [];
    public string Operation { get; set; } = "Unknown";
    public string? AccessKeyId { get; set; }
    public OssFault? Fault { get; set; }
    public bool BodyConsumed { get; set; }

    public bool IsHead => Method == "HEAD";

    public bool HasQuery(string name) => Query.Any(q => q.Key == name);

    public string? QueryValue(string name) => Query.FirstOrDefault(q => q.Key == name).Value;

    /// <summary>Parses <c>/bucket/key</c> and the query. Percent-decoding of the path keeps <c>+</c>; the query decodes <c>+</c> as a space (form style, as go-v2 signs it).</summary>
    public void Parse(string rawTarget)
    {
        var q = rawTarget.IndexOf('?');
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = q < 0 ? "" : rawTarget[(q + 1)..];
        try
        {
            var rest = path.StartsWith('/') ? path[1..] : path;
            var slash = rest.IndexOf('/');
            var bucket = slash < 0 ? rest : rest[..slash];
            var key = slash < 0 ? "" : rest[(slash + 1)..];
            Bucket = bucket.Length == 0 ? null : OssUriEncoding.Decode(bucket);
            Key = key.Length == 0 ? null : OssUriEncoding.Decode(key);
            foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                Query.Add(eq < 0
                    ? new(OssUriEncoding.Decode(part, plusAsSpace: true), null)
                    : new(OssUriEncoding.Decode(part[..eq], plusAsSpace: true), OssUriEncoding.Decode(part[(eq + 1)..], plusAsSpace: true)));
            }
        }
        catch (FormatException)
        {
            throw new OssError(400, "InvalidURI", "Couldn't parse the specified URI.");
        }
    }

    public OssSigningRequest ToSigningRequest(HttpRequest request)
    {
        var signing = new OssSigningRequest(Method, Bucket, Key);
        signing.Query.AddRange(Query);
        foreach (var (name, values) in request.Headers)
        {
            signing.AddHeader(name, values.ToString());
        }

        return signing;
    }

    /// <summary>Names the operation from method, bucket/key presence and sub-resources.</summary>
    public void Classify()
    {
        if (Bucket is null)
        {
            Operation = Method == "GET" ? "ListBuckets" : "Unknown";
            return;
        }

        if (Key is null)
        {
            Operation = Method switch
            {
                "GET" when QueryValue("list-type") == "2" => "ListObjectsV2",
                "GET" when Query.Count == 0 || HasQuery("prefix") || HasQuery("marker") || HasQuery("max-keys") => "ListObjects",
                "GET" => "GetBucketSubresource",
                "PUT" => "PutBucket",
                "DELETE" => "DeleteBucket",
                _ => "Unknown",
            };
            return;
        }

        Operation = Method switch
        {
            "POST" when HasQuery("uploads") => "InitiateMultipartUpload",
            "POST" when HasQuery("uploadId") => "CompleteMultipartUpload",
            "PUT" when HasQuery("uploadId") => "UploadPart",
            "DELETE" when HasQuery("uploadId") => "AbortMultipartUpload",
            "GET" when HasQuery("uploadId") => "ListParts",
            _ when UnsupportedSubresource() is not null => "Unsupported",
            "PUT" => "PutObject",
            "GET" => "GetObject",
            "HEAD" => "HeadObject",
            "DELETE" => "DeleteObject",
            "POST" => "PostObject",
            _ => "Unknown",
        };
    }

    private static readonly string[] KnownUnsupported =
    [
        "acl", "tagging", "symlink", "append", "restore", "objectMeta", "x-oss-process", "delete", "versions", "versionId", "cleanRestoredObject", "uploads",
    ];

    public string? UnsupportedSubresource() => Query.Select(q => q.Key).FirstOrDefault(k => KnownUnsupported.Contains(k, StringComparer.Ordinal));
}
