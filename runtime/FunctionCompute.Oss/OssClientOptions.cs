namespace FunctionCompute.Oss;

/// <summary>Settings of an <see cref="OssClient"/>. Defaults follow the official SDKs where they have one.</summary>
public sealed class OssClientOptions
{
    /// <summary>
    /// The endpoint, e.g. <c>oss-cn-hangzhou-internal.aliyuncs.com</c> (https is assumed) or
    /// <c>http://127.0.0.1:9000</c>. Required.
    /// </summary>
    public string Endpoint { get; set; } = "";

    /// <summary>The signing region (<c>cn-hangzhou</c>); when null it is taken from an OSS endpoint host.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// Forces path-style URLs (<c>endpoint/bucket/key</c>), for emulators and proxies. IP and <c>localhost</c>
    /// endpoints use path style regardless.
    /// </summary>
    public bool UsePathStyle { get; set; }

    /// <summary>
    /// Limit on one attempt, from sending until the response headers (and, for XML answers and error bodies, the
    /// body) arrive. A timed-out attempt is retried like a connection error.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries after the first attempt for transient failures (3 attempts in all, like the official SDKs). 0 disables.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base of the exponential backoff between retries (jittered).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one backoff delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Streams longer than this are uploaded in parts. Streams of unknown length (not seekable, no
    /// <see cref="PutObjectOptions.ContentLength"/>) go multipart as soon as they exceed one part.
    /// </summary>
    public long MultipartThreshold { get; set; } = 32L * 1024 * 1024;

    /// <summary>Size of each part (the last may be smaller). OSS requires at least 100 KiB for all parts but the last.</summary>
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Parts uploaded at the same time; memory use is about <see cref="PartSize"/> times this.</summary>
    public int MultipartParallelism { get; set; } = 4;

    /// <summary>On <c>RequestTimeTooSkewed</c>, adopt the server's clock and retry once.</summary>
    public bool CorrectClockSkew { get; set; } = true;

    /// <summary>Compare <c>x-oss-hash-crc64ecma</c> with a locally computed CRC-64 on uploads and full downloads.</summary>
    public bool VerifyCrc64 { get; set; } = true;

    /// <summary>The clock used for signing (tests substitute it).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal const int MinPartSize = 100 * 1024;
    internal const int MaxPartCount = 10_000;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint)) throw new ArgumentException("OssClientOptions.Endpoint is required.");
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan) throw new ArgumentException("RequestTimeout must be positive.");
        if (MaxRetries < 0) throw new ArgumentException("MaxRetries cannot be negative.");
        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < TimeSpan.Zero) throw new ArgumentException("Retry delays cannot be negative.");
        if (PartSize < MinPartSize) throw new ArgumentException($"PartSize must be at least {MinPartSize} bytes (OSS minimum).");
        if (MultipartThreshold < 1) throw new ArgumentException("MultipartThreshold must be positive.");
        if (MultipartParallelism < 1) throw new ArgumentException("MultipartParallelism must be at least 1.");
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
