using System.Net;
using System.Text;
using FunctionCompute.Oss.Http;
using FunctionCompute.Oss.Integrity;

namespace FunctionCompute.Oss;

public sealed partial class OssClient
{
    /// <summary>Uploads bytes in one PUT, with <c>Content-MD5</c> and a CRC-64 check.</summary>
    public async Task<PutObjectResult> PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> content, PutObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        return await PutSingleAsync(bucket, key, new MemoryRequestBody(content), options, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PutObjectResult> PutTextAsync(string bucket, string key, string content, PutObjectOptions? options, CancellationToken cancellationToken)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        return await PutSingleAsync(bucket, key, new MemoryRequestBody(Encoding.UTF8.GetBytes(content)), options, cancellationToken,
            defaultContentType: "text/plain; charset=utf-8").ConfigureAwait(false);
    }

    /// <summary>Uploads a string as UTF-8; the content type defaults to <c>text/plain; charset=utf-8</c>.</summary>
    public Task<PutObjectResult> PutObjectAsync(string bucket, string key, string content, PutObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return PutTextAsync(bucket, key, content, options, cancellationToken);
    }

    /// <summary>
    /// Uploads a stream from its current position. Seekable streams up to the multipart threshold are sent in
    /// one PUT straight from the stream (retries rewind it); longer ones are uploaded in parts. A non-seekable
    /// stream with <see cref="PutObjectOptions.ContentLength"/> is streamed once without retries; without a
    /// length, one part is read ahead to choose between a single PUT and a multipart upload.
    /// The stream is not disposed.
    /// </summary>
    public async Task<PutObjectResult> PutObjectAsync(string bucket, string key, Stream content, PutObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead) throw new ArgumentException("The stream must be readable.", nameof(content));

        var length = content.CanSeek ? content.Length - content.Position : options?.ContentLength;
        if (length is long known && known <= _options.MultipartThreshold)
        {
            return await PutSingleAsync(bucket, key, new StreamRequestBody(content, known), options, cancellationToken).ConfigureAwait(false);
        }

        var uploader = new Multipart.MultipartUploader(this, _options, bucket, key, options);
        return await uploader.UploadAsync(content, length, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<PutObjectResult> PutSingleAsync(string bucket, string key, OssRequestBody body, PutObjectOptions? options, CancellationToken cancellationToken,
        string? defaultContentType = null)
    {
        var request = new OssRequest(HttpMethod.Put, bucket, key) { Body = body, VerifyUploadCrc = true };
        ApplyUploadHeaders(request, options, includeAcl: true);
        request.ContentType ??= defaultContentType;
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return new PutObjectResult(ResponseHeaders.Get(response, "ETag"), ResponseHeaders.Crc64(response),
            ResponseHeaders.Get(response, "x-oss-version-id"), ResponseHeaders.RequestId(response), 0);
    }

    /// <summary>
    /// Downloads an object as a stream (the body is not buffered). Full downloads are CRC-checked while read;
    /// ranged ones cannot be (OSS's CRC covers the whole object). Ranges use standard HTTP semantics:
    /// an unsatisfiable range is a 416 <see cref="OssException"/>.
    /// </summary>
    public async Task<GetObjectResult> GetObjectAsync(string bucket, string key, GetObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        var request = new OssRequest(HttpMethod.Get, bucket, key) { Credentials = options?.Credentials };
        if (options?.Range is { } range)
        {
            request.AddHeader("Range", range.ToString());
            // Without it OSS silently returns the whole object (200) for an invalid range.
            request.AddHeader("x-oss-range-behavior", "standard");
        }

        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var metadata = ResponseHeaders.Metadata(response);
            var partial = response.StatusCode == HttpStatusCode.PartialContent;
            var total = partial ? response.Content.Headers.ContentRange?.Length : metadata.ContentLength;
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (!partial && _options.VerifyCrc64 && metadata.Crc64 is ulong expected)
            {
                body = new Crc64ReadStream(body, expected, leaveOpen: false, metadata.RequestId);
            }

            return new GetObjectResult(response, body, metadata, partial, total);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Reads an object's metadata. A missing object is an <see cref="OssException"/> with <see cref="OssException.IsNotFound"/>.</summary>
    public async Task<ObjectMetadata> HeadObjectAsync(string bucket, string key, OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        var request = new OssRequest(HttpMethod.Head, bucket, key) { Credentials = options?.Credentials };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ResponseHeaders.Metadata(response);
    }

    /// <summary>Deletes an object. Deleting a missing key succeeds (OSS answers 204 either way).</summary>
    public async Task DeleteObjectAsync(string bucket, string key, OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        var request = new OssRequest(HttpMethod.Delete, bucket, key) { Credentials = options?.Credentials };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    internal static void ApplyUploadHeaders(OssRequest request, PutObjectOptions? options, bool includeAcl)
    {
        if (options is null) return;
        request.Credentials = options.Credentials;
        request.ContentType = options.ContentType;
        request.AddHeader("Cache-Control", options.CacheControl);
        request.AddHeader("Content-Disposition", options.ContentDisposition);
        request.AddHeader("Content-Encoding", options.ContentEncoding);
        if (includeAcl && options.Acl is { } acl) request.AddHeader("x-oss-object-acl", AclName(acl));
        if (options.StorageClass is { } sc) request.AddHeader("x-oss-storage-class", StorageClassName(sc));
        if (options.ForbidOverwrite) request.AddHeader("x-oss-forbid-overwrite", "true");
        foreach (var (name, value) in options.Metadata)
        {
            if (name.Length == 0 || !IsAsciiToken(name)) throw new ArgumentException($"Metadata name '{name}' must be a non-empty ASCII token.");
            if (!value.All(static c => c is >= ' ' and <= '~')) throw new ArgumentException($"Metadata '{name}' must have a printable ASCII value.");
            request.AddHeader("x-oss-meta-" + name.ToLowerInvariant(), value);
        }
    }

    private static string AclName(OssObjectAcl acl) => acl switch
    {
        OssObjectAcl.Private => "private",
        OssObjectAcl.PublicRead => "public-read",
        OssObjectAcl.PublicReadWrite => "public-read-write",
        _ => "default",
    };

    private static string StorageClassName(OssStorageClass storageClass) => storageClass switch
    {
        OssStorageClass.IA => "IA",
        OssStorageClass.Archive => "Archive",
        OssStorageClass.ColdArchive => "ColdArchive",
        OssStorageClass.DeepColdArchive => "DeepColdArchive",
        _ => "Standard",
    };

    private static bool IsAsciiToken(string s) => s.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
