using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace FunctionCompute.Oss.Addressing;

/// <summary>
/// A parsed OSS endpoint: scheme (https unless one is given), host, port, and what the host tells us:
/// the region of an <c>oss-&lt;region&gt;[-internal].aliyuncs.com</c> host, and whether the host is an
/// IP address or <c>localhost</c> (bucket names cannot be put in front of those, so path style is used).
/// </summary>
public sealed class OssEndpoint
{
    private const string AliyunSuffix = ".aliyuncs.com";

    private static readonly SearchValues<char> EndpointCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:/[]");

    private static readonly SearchValues<char> RegionCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private OssEndpoint(string scheme, string host, int? port, string? region, bool isInternal, bool isIpAddress, bool isLocalhost)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
        Region = region;
        IsInternal = isInternal;
        IsIpAddress = isIpAddress;
        IsLocalhost = isLocalhost;
    }

    /// <summary><c>https</c> or <c>http</c>.</summary>
    public string Scheme { get; }

    /// <summary>The host, lowercase; IPv6 addresses in brackets.</summary>
    public string Host { get; }

    /// <summary>The explicit port, or null for the scheme's default.</summary>
    public int? Port { get; }

    /// <summary>The region named by an OSS host (<c>cn-hangzhou</c>), or null when the host does not name one.</summary>
    public string? Region { get; }

    /// <summary>True for the <c>-internal</c> (VPC) endpoints.</summary>
    public bool IsInternal { get; }

    /// <summary>True when the host is an IPv4 or IPv6 literal.</summary>
    public bool IsIpAddress { get; }

    /// <summary>True for <c>localhost</c> and <c>*.localhost</c>.</summary>
    public bool IsLocalhost { get; }

    /// <summary>True when virtual-hosted URLs are impossible, so path style must be used.</summary>
    public bool RequiresPathStyle => IsIpAddress || IsLocalhost;

    /// <summary><c>host[:port]</c>, as it appears in a URL authority.</summary>
    public string Authority => Port is int p ? $"{Host}:{p}" : Host;

    /// <summary>Parses <c>oss-cn-hangzhou.aliyuncs.com</c>, <c>https://…</c>, <c>http://127.0.0.1:9000</c> and similar.</summary>
    /// <remarks>
    /// Only <c>[scheme://]host[:port][/]</c> is accepted: letters, digits, <c>. - : / [ ]</c>. User info (<c>x@host</c>),
    /// a query or fragment (even an empty <c>?</c> or <c>#</c>), percent-escapes and blanks are refused, so no text glued
    /// into an endpoint (a region from an event, say) can move the request to another host. A region an OSS host names
    /// must be lowercase letters, digits and <c>-</c>.
    /// </remarks>
    /// <exception cref="FormatException">The value is not a usable endpoint.</exception>
    public static OssEndpoint Parse(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var value = endpoint.Trim();
        if (value.Length == 0)
        {
            throw new FormatException("The OSS endpoint is empty.");
        }

        var bad = value.AsSpan().IndexOfAnyExcept(EndpointCharacters);
        if (bad >= 0)
        {
            // The value is not echoed: whatever sits before an '@' may be a password.
            throw new FormatException(value[bad] switch
            {
                '@' => "The OSS endpoint must not contain user info ('user@host'): it is [http(s)://]host[:port].",
                '?' or '#' => $"The OSS endpoint must not contain a query or fragment ('{value[bad]}'): it is [http(s)://]host[:port].",
                _ => $"The OSS endpoint contains {Describe(value[bad])}, which no endpoint has: it is [http(s)://]host[:port] "
                    + "(letters, digits, '.', '-', ':', '/', '[', ']').",
            });
        }

        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "https://" + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new FormatException($"'{endpoint}' is not a valid OSS endpoint (expected host[:port] or http(s)://host[:port]).");
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0)
        {
            throw new FormatException($"The OSS endpoint '{endpoint}' must not contain a path or query.");
        }

        var host = uri.Host.ToLowerInvariant();
        var isIp = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || IPAddress.TryParse(host.Trim('[', ']'), out _);
        var isLocalhost = host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal);
        (var region, var isInternal) = isIp ? (null, false) : RegionFromHost(host);
        if (region is not null && !IsRegionId(region))
        {
            throw new FormatException($"The OSS endpoint '{endpoint}' names the region '{region}', which is not a region id (lowercase letters, digits and '-').");
        }

        return new OssEndpoint(uri.Scheme, host, uri.IsDefaultPort ? null : uri.Port, region, isInternal, isIp, isLocalhost);
    }

    /// <summary>
    /// The region an OSS host names: <c>oss-cn-hangzhou.aliyuncs.com</c>, <c>oss-cn-hangzhou-internal.aliyuncs.com</c>
    /// (also with a bucket in front) and the dual-stack <c>cn-hangzhou.oss.aliyuncs.com</c> give <c>cn-hangzhou</c>;
    /// acceleration and non-OSS hosts give null.
    /// </summary>
    public static (string? Region, bool IsInternal) RegionFromHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host = host.ToLowerInvariant();
        if (!host.EndsWith(AliyunSuffix, StringComparison.Ordinal))
        {
            return (null, false);
        }

        var labels = host[..^AliyunSuffix.Length].Split('.');
        var last = labels[^1];
        if (last == "oss")
        {
            return labels.Length >= 2 && labels[^2].Length > 0 ? (labels[^2], false) : (null, false);
        }

        if (!last.StartsWith("oss-", StringComparison.Ordinal))
        {
            return (null, false);
        }

        var region = last["oss-".Length..];
        var isInternal = region.EndsWith("-internal", StringComparison.Ordinal);
        if (isInternal)
        {
            region = region[..^"-internal".Length];
        }

        return region.Length == 0 || region.StartsWith("accelerate", StringComparison.Ordinal) ? (null, false) : (region, isInternal);
    }

    /// <summary>True for a region id: one or more of lowercase letters, digits and <c>-</c> (<c>cn-hangzhou</c>), at most 63 (one DNS label).</summary>
    public static bool IsRegionId([NotNullWhen(true)] string? region) =>
        region is { Length: > 0 and <= 63 } && !region.AsSpan().ContainsAnyExcept(RegionCharacters);

    // Blanks and control characters by code, so the message shows what was there.
    private static string Describe(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    /// <summary><c>scheme://authority</c>.</summary>
    public override string ToString() => $"{Scheme}://{Authority}";
}
