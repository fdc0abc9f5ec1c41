namespace FunctionCompute.Oss;

/// <summary>
/// The CRC-64 OSS reported (<c>x-oss-hash-crc64ecma</c>) differs from the one computed over the bytes actually
/// sent or received: the data was corrupted in transit (or by a proxy) and must not be trusted.
/// </summary>
public sealed class OssIntegrityException : IOException
{
    /// <summary>Creates the exception.</summary>
    public OssIntegrityException(ulong expectedCrc64, ulong actualCrc64, string? requestId)
        : base($"CRC-64 mismatch: OSS reported {expectedCrc64}, the client computed {actualCrc64} (RequestId {requestId ?? "unknown"}).")
    {
        ExpectedCrc64 = expectedCrc64;
        ActualCrc64 = actualCrc64;
        RequestId = requestId;
    }

    /// <summary>The CRC OSS reported (for a multipart upload, the one derived from the parts).</summary>
    public ulong ExpectedCrc64 { get; }

    /// <summary>The CRC computed locally.</summary>
    public ulong ActualCrc64 { get; }

    /// <summary>The <c>x-oss-request-id</c> of the response, when known.</summary>
    public string? RequestId { get; }
}
