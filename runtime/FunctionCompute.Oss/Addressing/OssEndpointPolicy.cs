namespace FunctionCompute.Oss.Addressing;

/// <summary>
/// Which endpoints a function may send OSS requests to when the endpoint comes from outside (an event, a setting):
/// the requests carry the function's STS token and signature, so they must only reach Alibaba Cloud OSS.
/// </summary>
/// <remarks>
/// <para>Allowed: https on the default port to <c>oss-&lt;region&gt;.aliyuncs.com</c>, <c>oss-&lt;region&gt;-internal.aliyuncs.com</c>,
/// the dual-stack <c>&lt;region&gt;.oss.aliyuncs.com</c>, <c>oss-accelerate.aliyuncs.com</c> and
/// <c>oss-accelerate-overseas.aliyuncs.com</c>, where a region is lowercase letters, digits and <c>-</c>. The endpoint names
/// the region only; the bucket is a separate argument (a host with a bucket in front is refused).</para>
/// <para>Only when <see cref="AllowLoopbackVariable"/> (<c>OSS_ALLOW_LOOPBACK_ENDPOINTS</c>) is <c>true</c> (local runs with an
/// emulator): also http or https on any port of <c>127.0.0.1</c>, <c>::1</c> or <c>localhost</c>. Nothing else, ever.</para>
/// <para>The check is on the text alone: nothing is resolved or connected to, so a refused endpoint sends no packet.</para>
/// </remarks>
public static class OssEndpointPolicy
{
    /// <summary>The environment variable that opts a process in to loopback endpoints: <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c>.</summary>
    public const string AllowLoopbackVariable = "OSS_ALLOW_LOOPBACK_ENDPOINTS";

    private const string Allowed =
        "only https on the default port to an Alibaba Cloud OSS endpoint is allowed: oss-<region>.aliyuncs.com, "
        + "oss-<region>-internal.aliyuncs.com, <region>.oss.aliyuncs.com, oss-accelerate.aliyuncs.com or oss-accelerate-overseas.aliyuncs.com "
        + "(region: lowercase letters, digits and '-', e.g. cn-hangzhou; the bucket is not part of the endpoint)";

    private static readonly string[] LoopbackHosts = ["127.0.0.1", "[::1]", "localhost"];
    private static readonly string[] AccelerationHosts = ["oss-accelerate.aliyuncs.com", "oss-accelerate-overseas.aliyuncs.com"];

    /// <summary>
    /// True when the process environment has <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c> (case-insensitive, blanks ignored).
    /// Read on every call, so a test can switch it.
    /// </summary>
    public static bool LoopbackAllowedByEnvironment() =>
        string.Equals(Environment.GetEnvironmentVariable(AllowLoopbackVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="endpoint"/> and checks it against the policy, with the loopback opt-in of the process environment.</summary>
    /// <returns>The parsed endpoint (use its <see cref="OssEndpoint.ToString"/> as <see cref="OssClientOptions.Endpoint"/>).</returns>
    /// <exception cref="FormatException">The endpoint is malformed or not allowed; the message says which endpoint, what is allowed, and how to opt in.</exception>
    public static OssEndpoint Check(string endpoint) => Check(endpoint, LoopbackAllowedByEnvironment());

    /// <summary>Parses <paramref name="endpoint"/> and checks it against the policy.</summary>
    /// <param name="endpoint">e.g. <c>oss-cn-hangzhou-internal.aliyuncs.com</c> (https is assumed) or <c>http://127.0.0.1:9100</c>.</param>
    /// <param name="allowLoopback">Also allow 127.0.0.1, ::1 and localhost (http or https, any port).</param>
    /// <exception cref="FormatException">The endpoint is malformed or not allowed.</exception>
    public static OssEndpoint Check(string endpoint, bool allowLoopback)
    {
        var parsed = OssEndpoint.Parse(endpoint);
        if (allowLoopback && LoopbackHosts.Contains(parsed.Host, StringComparer.Ordinal))
        {
            return parsed;
        }

        if (parsed.Scheme == Uri.UriSchemeHttps && parsed.Port is null && IsOssHost(parsed.Host))
        {
            return parsed;
        }

        var optIn = allowLoopback
            ? $"{AllowLoopbackVariable}=true adds only 127.0.0.1, ::1 and localhost"
            : $"for a local OSS on 127.0.0.1, ::1 or localhost (http or https, any port) set {AllowLoopbackVariable}=true in the function's environment";
        throw new FormatException($"The OSS endpoint '{parsed}' is not allowed: {Allowed}; {optIn}.");
    }

    /// <summary>True for the OSS hosts of the policy (lowercase, as <see cref="OssEndpoint.Host"/> has them).</summary>
    private static bool IsOssHost(string host)
    {
        if (AccelerationHosts.Contains(host, StringComparer.Ordinal))
        {
            return true;
        }

        // Exactly one label before .aliyuncs.com, or <region>.oss.aliyuncs.com: a bucket or any other label in front is refused.
        (var region, var isInternal) = OssEndpoint.RegionFromHost(host);
        if (!OssEndpoint.IsRegionId(region))
        {
            return false;
        }

        return host == (isInternal ? $"oss-{region}-internal.aliyuncs.com" : $"oss-{region}.aliyuncs.com") || host == $"{region}.oss.aliyuncs.com";
    }
}
