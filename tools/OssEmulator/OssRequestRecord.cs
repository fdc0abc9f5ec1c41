namespace FunctionCompute.OssEmulator;

/// <summary>What the emulator did with one OSS request (admin requests are not recorded).</summary>
public sealed class OssRequestRecord
{
    public required string RequestId { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required string Method { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }

    /// <summary>The OSS operation (<c>PutObject</c>, <c>UploadPart</c>…), or <c>Unknown</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The key id from the Authorization header, whether or not it was valid.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>HTTP status; 0 when the connection was reset by a fault.</summary>
    public int StatusCode { get; init; }

    /// <summary>OSS error code when the request failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The fault action applied, if any.</summary>
    public string? Fault { get; init; }

    /// <summary>Every W3C <c>traceparent</c> header the request carried (none, or one from a client that continues a trace).</summary>
    public IReadOnlyList<string> TraceParents { get; init; } = [];

    public override string ToString() =>
        $"{Method} /{Bucket}{(Key is null ? "" : "/" + Key)} {Operation} -> {StatusCode}{(ErrorCode is null ? "" : " " + ErrorCode)} ak={AccessKeyId ?? "-"}{(Fault is null ? "" : " fault=" + Fault)}";
}
