namespace FunctionCompute.Credentials.Sts;

/// <summary>STS endpoint selection as the official credential libraries do it.</summary>
public static class StsEndpoints
{
    /// <summary>The unified public endpoint.</summary>
    public const string Global = "sts.aliyuncs.com";

    /// <summary>
    /// First match wins: an explicit endpoint; <c>prefix.&lt;regionId&gt;.aliyuncs.com</c>;
    /// <c>prefix.&lt;ALIBABA_CLOUD_STS_REGION&gt;.aliyuncs.com</c>; <c>sts.aliyuncs.com</c>. The prefix is <c>sts-vpc</c>
    /// when <paramref name="useVpc"/> or <c>ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true</c>, else <c>sts</c>
    /// (VPC only applies together with a region).
    /// </summary>
    public static string Resolve(string? endpoint, string? regionId, bool useVpc, CredentialsEnvironment? environment = null)
    {
        if (!string.IsNullOrWhiteSpace(endpoint)) return endpoint.Trim();
        var vpc = useVpc || (environment?.IsTrue(CredentialsEnvironmentVariables.VpcEndpointEnabled) ?? false);
        var prefix = vpc ? "sts-vpc" : "sts";
        if (!string.IsNullOrWhiteSpace(regionId)) return $"{prefix}.{regionId.Trim()}.aliyuncs.com";
        if (environment?.Get(CredentialsEnvironmentVariables.StsRegion) is { } envRegion) return $"{prefix}.{envRegion.Trim()}.aliyuncs.com";
        return Global;
    }

    /// <summary>The base URI of an endpoint: an absolute http(s) URL is kept, a host name gets <c>https://</c>.</summary>
    public static Uri ToBaseUri(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            return uri;
        return new Uri("https://" + endpoint.Trim().TrimEnd('/') + "/");
    }
}
