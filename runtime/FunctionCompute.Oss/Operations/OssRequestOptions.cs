using FunctionCompute.Credentials;

namespace FunctionCompute.Oss;

/// <summary>Per-call settings common to every operation.</summary>
public class OssRequestOptions
{
    /// <summary>
    /// Credentials for this call only, overriding the client's provider — e.g. the STS credentials of the
    /// current function invocation, so concurrent invocations sharing one client never mix identities.
    /// </summary>
    public CloudCredentials? Credentials { get; set; }
}

/// <summary>Object ACL set on upload (<c>x-oss-object-acl</c>).</summary>
public enum OssObjectAcl
{
    /// <summary>Inherit the bucket's ACL.</summary>
    Default,

    /// <summary>Owner only.</summary>
    Private,

    /// <summary>Anyone can read.</summary>
    PublicRead,

    /// <summary>Anyone can read and write.</summary>
    PublicReadWrite,
}

/// <summary>Storage class set on upload (<c>x-oss-storage-class</c>).</summary>
public enum OssStorageClass
{
    /// <summary>Standard.</summary>
    Standard,

    /// <summary>Infrequent access.</summary>
    IA,

    /// <summary>Archive.</summary>
    Archive,

    /// <summary>Cold archive.</summary>
    ColdArchive,

    /// <summary>Deep cold archive.</summary>
    DeepColdArchive,
}

/// <summary>Settings of an upload (single PUT or multipart).</summary>
public sealed class PutObjectOptions : OssRequestOptions
{
    /// <summary>The object's <c>Content-Type</c>; OSS defaults to <c>application/octet-stream</c> when absent.</summary>
    public string? ContentType { get; set; }

    /// <summary>User metadata, sent as <c>x-oss-meta-&lt;name&gt;</c>. Names and values must be ASCII.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The object ACL, or null to leave it unset.</summary>
    public OssObjectAcl? Acl { get; set; }

    /// <summary>The storage class, or null for the bucket's default.</summary>
    public OssStorageClass? StorageClass { get; set; }

    /// <summary>When true, the upload fails with <c>FileAlreadyExists</c> if the key exists (unversioned buckets).</summary>
    public bool ForbidOverwrite { get; set; }

    /// <summary><c>Cache-Control</c> stored with the object.</summary>
    public string? CacheControl { get; set; }

    /// <summary><c>Content-Disposition</c> stored with the object.</summary>
    public string? ContentDisposition { get; set; }

    /// <summary><c>Content-Encoding</c> stored with the object.</summary>
    public string? ContentEncoding { get; set; }

    /// <summary>
    /// The number of bytes to read from a non-seekable stream. When given and not above the multipart
    /// threshold, the stream is sent as is without buffering — and therefore without retries.
    /// </summary>
    public long? ContentLength { get; set; }
}

/// <summary>Settings of a download.</summary>
public sealed class GetObjectOptions : OssRequestOptions
{
    /// <summary>The byte range to read, or null for the whole object.</summary>
    public OssByteRange? Range { get; set; }
}

/// <summary>Settings of a listing.</summary>
public sealed class ListObjectsV2Options : OssRequestOptions
{
    /// <summary>Only keys starting with this.</summary>
    public string? Prefix { get; set; }

    /// <summary>Groups keys by this character (usually <c>/</c>) into <see cref="ListObjectsV2Page.CommonPrefixes"/>.</summary>
    public string? Delimiter { get; set; }

    /// <summary>Only keys after this one.</summary>
    public string? StartAfter { get; set; }

    /// <summary>Keys per page, 1–1000 (OSS default 100).</summary>
    public int? MaxKeys { get; set; }

    /// <summary>Resume from a previous page's <see cref="ListObjectsV2Page.NextContinuationToken"/>.</summary>
    public string? ContinuationToken { get; set; }

    /// <summary>Include each object's owner.</summary>
    public bool FetchOwner { get; set; }
}
