namespace FunctionCompute.OssEmulator.Storage;

/// <summary>An object as the emulator stores it: what OSS would report plus who wrote it.</summary>
public sealed class OssStoredObject
{
    internal OssStoredObject(string bucket, string key, IReadOnlyList<Segment> segments)
    {
        Bucket = bucket;
        Key = key;
        Segments = segments;
        Size = segments.Sum(s => s.Length);
    }

    /// <summary>A new object with the settings its upload request carried (content type, storage class, ACL, metadata, ...).</summary>
    internal OssStoredObject(string bucket, string key, IReadOnlyList<Segment> segments, ObjectAttributes attributes)
        : this(bucket, key, segments)
    {
        ContentType = attributes.ContentType;
        StorageClass = attributes.StorageClass;
        Acl = attributes.Acl;
        UserMetadata = attributes.Metadata;
        CacheControl = attributes.CacheControl;
        ContentDisposition = attributes.ContentDisposition;
        ContentEncoding = attributes.ContentEncoding;
        Expires = attributes.Expires;
    }

    public string Bucket { get; }

    public string Key { get; }

    public long Size { get; }

    /// <summary>Quoted; MD5 hex for simple PUTs, <c>"hex-n"</c> for multipart objects.</summary>
    public required string ETag { get; init; }

    /// <summary>CRC-64/ECMA of the whole object (combined from part CRCs for multipart objects).</summary>
    public required ulong Crc64 { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    public string ContentType { get; init; } = "application/octet-stream";

    /// <summary><c>Normal</c> or <c>Multipart</c>.</summary>
    public string ObjectType { get; init; } = "Normal";

    public string StorageClass { get; init; } = "Standard";

    /// <summary><c>default</c>, <c>private</c>, <c>public-read</c>, <c>public-read-write</c>.</summary>
    public string Acl { get; init; } = "default";

    /// <summary>User metadata, names lowercase without the <c>x-oss-meta-</c> prefix.</summary>
    public IReadOnlyDictionary<string, string> UserMetadata { get; init; } = new Dictionary<string, string>();

    public string? CacheControl { get; init; }

    public string? ContentDisposition { get; init; }

    public string? ContentEncoding { get; init; }

    public string? Expires { get; init; }

    /// <summary>The access key id that wrote the object (for multipart: the one that completed it).</summary>
    public required string WrittenBy { get; init; }

    /// <summary>Parts of a multipart object; 0 for a simple PUT.</summary>
    public int PartCount { get; init; }

    internal IReadOnlyList<Segment> Segments { get; }

    /// <summary>Opens the content (or a range of it) for reading.</summary>
    public Stream OpenRead(long offset = 0, long? length = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var len = length ?? Math.Max(0, Size - offset);
        if (offset + len > Size) throw new ArgumentOutOfRangeException(nameof(length));
        return new SegmentReadStream(Segments, offset, len);
    }

    public override string ToString() => $"{Bucket}/{Key} ({Size} bytes, {ETag})";
}
