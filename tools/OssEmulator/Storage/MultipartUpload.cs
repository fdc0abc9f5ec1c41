using System.Collections.Concurrent;

namespace FunctionCompute.OssEmulator.Storage;

internal sealed class UploadedPart
{
    public required int PartNumber { get; init; }
    public required Segment Segment { get; init; }
    public required byte[] Md5 { get; init; }
    public required ulong Crc64 { get; init; }
    public required string ETag { get; init; }
    public required DateTimeOffset LastModified { get; init; }
    public long Size => Segment.Length;
}

/// <summary>The attributes an upload starts with (from InitiateMultipartUpload headers).</summary>
internal sealed class ObjectAttributes
{
    public string ContentType { get; set; } = "application/octet-stream";
    public string StorageClass { get; set; } = "Standard";
    public string Acl { get; set; } = "default";
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
    public string? CacheControl { get; set; }
    public string? ContentDisposition { get; set; }
    public string? ContentEncoding { get; set; }
    public string? Expires { get; set; }
    public bool ForbidOverwrite { get; set; }
}

internal sealed class MultipartUpload
{
    public required string UploadId { get; init; }
    public required string Bucket { get; init; }
    public required string Key { get; init; }
    public required DateTimeOffset Initiated { get; init; }
    public required string InitiatedBy { get; init; }
    public required ObjectAttributes Attributes { get; init; }
    public ConcurrentDictionary<int, UploadedPart> Parts { get; } = new();
}
