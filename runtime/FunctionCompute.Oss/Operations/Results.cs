namespace FunctionCompute.Oss;

/// <summary>The outcome of an upload.</summary>
public sealed class PutObjectResult
{
    /// <summary>Creates a result.</summary>
    public PutObjectResult(string? eTag, ulong? crc64, string? versionId, string? requestId, int partCount)
    {
        ETag = eTag;
        Crc64 = crc64;
        VersionId = versionId;
        RequestId = requestId;
        PartCount = partCount;
    }

    /// <summary>The ETag, quotes included (an MD5 only for single PUTs).</summary>
    public string? ETag { get; }

    /// <summary>The object's CRC-64 as OSS reported it (already checked against the uploaded bytes).</summary>
    public ulong? Crc64 { get; }

    /// <summary>The version id on versioned buckets.</summary>
    public string? VersionId { get; }

    /// <summary>The request id of the final request.</summary>
    public string? RequestId { get; }

    /// <summary>Parts uploaded; 0 for a single PUT.</summary>
    public int PartCount { get; }
}

/// <summary>A part uploaded in a multipart upload: its number and the ETag OSS returned.</summary>
/// <param name="PartNumber">1–10000.</param>
/// <param name="ETag">The ETag, verbatim (quotes included).</param>
/// <param name="Size">Bytes in the part.</param>
/// <param name="Crc64">The part's CRC-64.</param>
public sealed record OssUploadedPart(int PartNumber, string ETag, long Size, ulong Crc64);

/// <summary>An object's metadata (from HEAD or GET response headers).</summary>
public sealed class ObjectMetadata
{
    /// <summary>Size in bytes of the response body (the range, for ranged reads).</summary>
    public long? ContentLength { get; init; }

    /// <summary>Content-Type.</summary>
    public string? ContentType { get; init; }

    /// <summary>ETag, quotes included.</summary>
    public string? ETag { get; init; }

    /// <summary>Last modification time.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>The whole object's CRC-64 (<c>x-oss-hash-crc64ecma</c>).</summary>
    public ulong? Crc64 { get; init; }

    /// <summary><c>Normal</c>, <c>Multipart</c>, <c>Appendable</c>…</summary>
    public string? ObjectType { get; init; }

    /// <summary>Storage class.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Version id on versioned buckets.</summary>
    public string? VersionId { get; init; }

    /// <summary>Cache-Control.</summary>
    public string? CacheControl { get; init; }

    /// <summary>Content-Disposition.</summary>
    public string? ContentDisposition { get; init; }

    /// <summary>Content-Encoding.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>User metadata (<c>x-oss-meta-*</c>, prefix removed), case-insensitive names.</summary>
    public IReadOnlyDictionary<string, string> UserMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }
}

/// <summary>A streamed download. Dispose it to release the connection.</summary>
public sealed class GetObjectResult : IDisposable, IAsyncDisposable
{
    private readonly HttpResponseMessage _response;

    internal GetObjectResult(HttpResponseMessage response, Stream content, ObjectMetadata metadata, bool isPartial, long? totalLength)
    {
        _response = response;
        Content = content;
        Metadata = metadata;
        IsPartial = isPartial;
        TotalLength = totalLength;
    }

    /// <summary>
    /// The body. For full reads it is checked against the object's CRC-64 as it is read; reading to the end
    /// of a corrupted body throws <see cref="OssIntegrityException"/>.
    /// </summary>
    public Stream Content { get; }

    /// <summary>The response metadata.</summary>
    public ObjectMetadata Metadata { get; }

    /// <summary>True when OSS served the requested range (206); false when it returned the whole object.</summary>
    public bool IsPartial { get; }

    /// <summary>The whole object's size (from <c>Content-Range</c> for ranges).</summary>
    public long? TotalLength { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}

/// <summary>One page of a ListObjectsV2 listing, keys decoded.</summary>
public sealed class ListObjectsV2Page
{
    /// <summary>The objects on this page.</summary>
    public required IReadOnlyList<OssObjectSummary> Objects { get; init; }

    /// <summary>Grouped prefixes when a delimiter was given.</summary>
    public required IReadOnlyList<string> CommonPrefixes { get; init; }

    /// <summary>True when more pages follow.</summary>
    public bool IsTruncated { get; init; }

    /// <summary>The token for the next page.</summary>
    public string? NextContinuationToken { get; init; }

    /// <summary>Keys and prefixes on this page.</summary>
    public int KeyCount { get; init; }

    /// <summary>The bucket name.</summary>
    public string? Bucket { get; init; }

    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }
}

/// <summary>An object in a listing.</summary>
public sealed class OssObjectSummary
{
    /// <summary>The key (decoded).</summary>
    public required string Key { get; init; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>ETag, quotes included.</summary>
    public string? ETag { get; init; }

    /// <summary>Last modification time.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Storage class.</summary>
    public string? StorageClass { get; init; }

    /// <summary>Object type.</summary>
    public string? Type { get; init; }

    /// <summary>Owner id (with <see cref="ListObjectsV2Options.FetchOwner"/>).</summary>
    public string? OwnerId { get; init; }

    /// <summary>Key and size.</summary>
    public override string ToString() => $"{Key} ({Size} bytes)";
}
