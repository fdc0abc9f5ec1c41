using FunctionCompute.Credentials.Caching;

namespace FunctionCompute.Credentials;

/// <summary>
/// Settings shared by the providers the default chain and the profile providers build: where the
/// environment comes from, the clock, HTTP, and every network endpoint (all configurable so that
/// tests never reach a real address).
/// </summary>
public sealed class CredentialsSettings
{
    /// <summary>The default ECS metadata service address.</summary>
    public static readonly Uri DefaultMetadataBaseAddress = new("http://100.100.100.200");

    /// <summary>Environment variables and home directory. Default: the process's.</summary>
    public CredentialsEnvironment Environment { get; set; } = CredentialsEnvironment.Process;

    /// <summary>The clock used for caching, timestamps and expiry. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The HTTP client for metadata, credentials URI and STS calls; null: a shared internal one (no redirects).
    /// A client given here must not follow redirects (<c>AllowAutoRedirect = false</c>): a redirect carries the
    /// metadata token or the STS request to its target, and an answer reached that way is refused.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>ECS metadata service base address. Default <c>http://100.100.100.200</c>.</summary>
    public Uri MetadataBaseAddress { get; set; } = DefaultMetadataBaseAddress;

    /// <summary>Timeout of each metadata call (the SDKs use 1 s connect and 1 s read).</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// STS endpoint override (host name or absolute URL) for every role assumption built from these
    /// settings; null: the official endpoint rules (region, VPC, <c>sts.aliyuncs.com</c>).
    /// </summary>
    public string? StsEndpoint { get; set; }

    /// <summary>Timeout of an STS call (the SDKs use 5 s connect, 10 s read).</summary>
    public TimeSpan StsTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of a credentials URI call (the SDKs use 5 s connect, 10 s read).</summary>
    public TimeSpan CredentialsUriTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How refreshing providers cache and refresh ahead of expiry.</summary>
    public CachingOptions Caching { get; set; } = new();
}
