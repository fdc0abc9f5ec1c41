using System.Net;

namespace FunctionCompute.Oss;

/// <summary>
/// An error response from OSS (or something in front of it): the HTTP status plus the fields of OSS's XML
/// error document. Values that could carry the caller's secret or security token (OSS echoes the canonical
/// request in signature errors) are redacted before they reach this object.
/// </summary>
public sealed class OssException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OssException(HttpStatusCode statusCode, string code, string? errorMessage, string? requestId, string? hostId, string? ec,
        IReadOnlyDictionary<string, string>? details = null, DateTimeOffset? serverTime = null, Exception? innerException = null)
        : base(Describe(statusCode, code, errorMessage, requestId, ec), innerException)
    {
        StatusCode = statusCode;
        Code = code;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        HostId = hostId;
        Ec = ec;
        Details = details ?? new Dictionary<string, string>();
        ServerTime = serverTime;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>OSS's error code, e.g. <c>NoSuchKey</c>; <c>BadErrorResponse</c> when the body was not an OSS error document.</summary>
    public string Code { get; }

    /// <summary>OSS's human-readable message.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The request id (XML or <c>x-oss-request-id</c>), to quote to Alibaba Cloud support.</summary>
    public string? RequestId { get; }

    /// <summary>The host that served the request.</summary>
    public string? HostId { get; }

    /// <summary>The fine-grained error code (<c>EC</c>, e.g. <c>0002-00000203</c>).</summary>
    public string? Ec { get; }

    /// <summary>Every child element of the error document by name (redacted), e.g. <c>StringToSign</c>, <c>RecommendDoc</c>.</summary>
    public IReadOnlyDictionary<string, string> Details { get; }

    /// <summary>The server's clock when it answered (<c>ServerTime</c> element, else the <c>Date</c> header), if known.</summary>
    public DateTimeOffset? ServerTime { get; }

    /// <summary>True for <c>404</c>: the bucket or key does not exist.</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    private static string Describe(HttpStatusCode status, string code, string? message, string? requestId, string? ec) =>
        $"OSS request failed: {(int)status} {code}{(string.IsNullOrEmpty(message) ? "" : ": " + message)}"
        + $" (RequestId {requestId ?? "unknown"}{(ec is null ? "" : ", EC " + ec)}).";
}
