using System.Globalization;
using System.Text;
using System.Xml;
using FunctionCompute.Oss.Http;
using FunctionCompute.Oss.Integrity;

namespace FunctionCompute.Oss;

public sealed partial class OssClient
{
    /// <summary>Starts a multipart upload and returns its upload id. Content type, metadata, storage class apply here; the ACL at completion.</summary>
    public async Task<string> InitiateMultipartUploadAsync(string bucket, string key, PutObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        var request = new OssRequest(HttpMethod.Post, bucket, key).AddQuery("uploads");
        ApplyUploadHeaders(request, options, includeAcl: false);
        return await SendAsync(request, static async (response, ct) =>
        {
            var root = await OssXml.LoadAsync(response, ct).ConfigureAwait(false);
            return root.Value("UploadId") is { Length: > 0 } id ? id : throw OssXml.Missing(response, "an UploadId");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads one part (1–10000) from memory, with <c>Content-MD5</c> and a CRC-64 check.</summary>
    public async Task<OssUploadedPart> UploadPartAsync(string bucket, string key, string uploadId, int partNumber, ReadOnlyMemory<byte> data,
        OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, OssClientOptions.MaxPartCount);
        var body = new MemoryRequestBody(data);
        var request = new OssRequest(HttpMethod.Put, bucket, key) { Body = body, VerifyUploadCrc = true, Credentials = options?.Credentials }
            .AddQuery("partNumber", partNumber.ToString(CultureInfo.InvariantCulture))
            .AddQuery("uploadId", uploadId);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var eTag = ResponseHeaders.Get(response, "ETag") ?? throw OssXml.Missing(response, "the part's ETag");
        return new OssUploadedPart(partNumber, eTag, data.Length, body.SentCrc64!.Value);
    }

    /// <summary>
    /// Completes a multipart upload from its parts (sorted by number). When every part's CRC is known, the
    /// object CRC OSS reports is checked against their combination.
    /// </summary>
    public async Task<PutObjectResult> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IEnumerable<OssUploadedPart> parts,
        PutObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        ArgumentNullException.ThrowIfNull(parts);
        List<OssUploadedPart> sorted = [.. parts.OrderBy(p => p.PartNumber)];
        if (sorted.Count == 0) throw new ArgumentException("At least one part is required.", nameof(parts));

        var request = new OssRequest(HttpMethod.Post, bucket, key) { Body = new MemoryRequestBody(CompleteDocument(sorted)), Credentials = options?.Credentials }
            .AddQuery("uploadId", uploadId);
        request.ContentType = "application/xml";
        if (options?.Acl is { } acl) request.AddHeader("x-oss-object-acl", AclName(acl));
        if (options?.ForbidOverwrite == true) request.AddHeader("x-oss-forbid-overwrite", "true");

        ulong? expectedCrc = null;
        if (_options.VerifyCrc64)
        {
            var combined = sorted[0].Crc64;
            for (var i = 1; i < sorted.Count; i++) combined = Crc64Ecma.Combine(combined, sorted[i].Crc64, sorted[i].Size);
            expectedCrc = combined;
        }

        // The body is read inside the attempt (bounded, retried with it); a CRC mismatch is thrown after it, outside
        // the retries as before (completing an upload twice cannot fix it), whatever the body holds.
        var result = await SendAsync(request, async (response, ct) =>
        {
            var reported = ResponseHeaders.Crc64(response);
            var eTag = ResponseHeaders.Get(response, "ETag");
            var mismatch = expectedCrc is ulong expected && reported is ulong r && r != expected;
            if (eTag is null && !mismatch && response.Content.Headers.ContentLength != 0)
            {
                var root = await OssXml.LoadAsync(response, ct).ConfigureAwait(false);
                eTag = root.Value("ETag");
            }

            return new PutObjectResult(eTag, reported, ResponseHeaders.Get(response, "x-oss-version-id"), ResponseHeaders.RequestId(response), sorted.Count);
        }, cancellationToken).ConfigureAwait(false);
        if (expectedCrc is ulong local && result.Crc64 is ulong server && server != local)
        {
            throw new OssIntegrityException(server, local, result.RequestId);
        }

        return result;
    }

    // <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…</CompleteMultipartUpload>, UTF-8, no declaration.
    private static byte[] CompleteDocument(List<OssUploadedPart> parts)
    {
        var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("CompleteMultipartUpload");
            foreach (var part in parts)
            {
                writer.WriteStartElement("Part");
                writer.WriteElementString("PartNumber", part.PartNumber.ToString(CultureInfo.InvariantCulture));
                writer.WriteElementString("ETag", part.ETag);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }

        return output.ToArray();
    }

    /// <summary>Aborts a multipart upload, discarding its parts (so they stop being billed).</summary>
    public async Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        var request = new OssRequest(HttpMethod.Delete, bucket, key) { Credentials = options?.Credentials }.AddQuery("uploadId", uploadId);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
