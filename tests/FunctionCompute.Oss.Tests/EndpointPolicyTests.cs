using FunctionCompute.Oss.Addressing;

namespace FunctionCompute.Oss.Tests;

/// <summary>
/// <see cref="OssEndpointPolicy"/>: which endpoints signed requests may go to. Pure text checks: nothing here resolves or
/// connects (the samples' tests count connections on a loopback listener).
/// </summary>
public class EndpointPolicyTests
{
    [Theory]
    [InlineData("oss-cn-hangzhou.aliyuncs.com", "https://oss-cn-hangzhou.aliyuncs.com", "cn-hangzhou")]
    [InlineData("oss-cn-hangzhou-internal.aliyuncs.com", "https://oss-cn-hangzhou-internal.aliyuncs.com", "cn-hangzhou")]
    [InlineData("https://oss-ap-southeast-1.aliyuncs.com", "https://oss-ap-southeast-1.aliyuncs.com", "ap-southeast-1")]
    [InlineData("https://OSS-CN-SHANGHAI.ALIYUNCS.COM:443/", "https://oss-cn-shanghai.aliyuncs.com", "cn-shanghai")]
    [InlineData("cn-beijing.oss.aliyuncs.com", "https://cn-beijing.oss.aliyuncs.com", "cn-beijing")]
    [InlineData("oss-accelerate.aliyuncs.com", "https://oss-accelerate.aliyuncs.com", null)]
    [InlineData("https://oss-accelerate-overseas.aliyuncs.com", "https://oss-accelerate-overseas.aliyuncs.com", null)]
    public void Https_oss_endpoints_are_allowed_with_or_without_the_loopback_opt_in(string endpoint, string canonical, string? region)
    {
        foreach (var allowLoopback in new[] { false, true })
        {
            var checkedEndpoint = OssEndpointPolicy.Check(endpoint, allowLoopback);
            Assert.Equal(canonical, checkedEndpoint.ToString());
            Assert.Equal(region, checkedEndpoint.Region);
        }
    }

    [Fact]
    public void An_allowed_endpoint_builds_the_virtual_hosted_url_of_the_bucket_on_that_host()
    {
        var endpoint = OssEndpointPolicy.Check("oss-cn-hangzhou-internal.aliyuncs.com", allowLoopback: false);
        var url = OssUrlBuilder.Build(endpoint, "my-bucket", "hello.txt", [], pathStyle: false);
        Assert.Equal("https://my-bucket.oss-cn-hangzhou-internal.aliyuncs.com/hello.txt", url.AbsoluteUri);
    }

    [Theory]
    // Not https, or not the default port.
    [InlineData("http://oss-cn-hangzhou.aliyuncs.com")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com:8443")]
    [InlineData("oss-cn-hangzhou.aliyuncs.com:80")]
    // Not an OSS host, or more than the endpoint.
    [InlineData("storage.example.com")]
    [InlineData("oss-cn-hangzhou.aliyuncs.com.evil.example")]
    [InlineData("ecs.aliyuncs.com")]
    [InlineData("sts.cn-hangzhou.aliyuncs.com")]
    [InlineData("examplebucket.oss-cn-hangzhou.aliyuncs.com")]
    [InlineData("x.cn-beijing.oss.aliyuncs.com")]
    [InlineData("oss-accelerate-foo.aliyuncs.com")]
    [InlineData("oss-cn-hangzhou.aliyuncs.com.")]
    // Addresses inside the function's network, which the opt-in never opens.
    [InlineData("https://10.0.0.1")]
    [InlineData("http://10.1.2.3:9000")]
    [InlineData("http://100.100.100.200")]
    [InlineData("http://169.254.169.254")]
    [InlineData("http://127.0.0.2:9000")]
    [InlineData("http://[::ffff:127.0.0.1]:9000")]
    [InlineData("http://minio.localhost:9000")]
    [InlineData("http://0.0.0.0:9000")]
    public void Everything_else_is_refused_even_with_the_loopback_opt_in(string endpoint)
    {
        foreach (var allowLoopback in new[] { false, true })
        {
            var e = Assert.Throws<FormatException>(() => OssEndpointPolicy.Check(endpoint, allowLoopback));
            Assert.Contains("is not allowed", e.Message);
            Assert.Contains("oss-<region>.aliyuncs.com", e.Message);
            Assert.Contains(OssEndpointPolicy.AllowLoopbackVariable, e.Message);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:9100", "http://127.0.0.1:9100")]
    [InlineData("https://127.0.0.1:1", "https://127.0.0.1:1")]
    [InlineData("http://[::1]:9100", "http://[::1]:9100")]
    [InlineData("http://[0:0:0:0:0:0:0:1]:9100", "http://[::1]:9100")]
    [InlineData("http://localhost:9100", "http://localhost:9100")]
    [InlineData("localhost", "https://localhost")]
    [InlineData("http://LOCALHOST", "http://localhost")]
    public void Loopback_endpoints_need_the_opt_in(string endpoint, string canonical)
    {
        var e = Assert.Throws<FormatException>(() => OssEndpointPolicy.Check(endpoint, allowLoopback: false));
        Assert.Contains($"'{canonical}' is not allowed", e.Message);
        Assert.Contains("set OSS_ALLOW_LOOPBACK_ENDPOINTS=true", e.Message);

        Assert.Equal(canonical, OssEndpointPolicy.Check(endpoint, allowLoopback: true).ToString());
    }

    [Theory]
    [InlineData("oss-cn-x@127.0.0.1:19702#-internal.aliyuncs.com")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com@127.0.0.1:9000")]
    [InlineData("http://127.0.0.1:9000#.oss-cn-hangzhou.aliyuncs.com")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com/path")]
    [InlineData("")]
    public void Malformed_endpoints_are_refused_as_parse_errors(string endpoint)
    {
        Assert.Throws<FormatException>(() => OssEndpointPolicy.Check(endpoint, allowLoopback: false));
        Assert.Throws<FormatException>(() => OssEndpointPolicy.Check(endpoint, allowLoopback: true));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("1", false)]
    [InlineData("yes", false)]
    [InlineData("true", true)]
    [InlineData(" TRUE ", true)]
    public void The_opt_in_is_read_from_the_environment_on_every_call(string? value, bool allowed)
    {
        // The only test in this assembly that touches the variable.
        var before = Environment.GetEnvironmentVariable(OssEndpointPolicy.AllowLoopbackVariable);
        try
        {
            Environment.SetEnvironmentVariable(OssEndpointPolicy.AllowLoopbackVariable, value);
            Assert.Equal(allowed, OssEndpointPolicy.LoopbackAllowedByEnvironment());
            if (allowed)
                Assert.Equal("http://127.0.0.1:9100", OssEndpointPolicy.Check("http://127.0.0.1:9100").ToString());
            else
                Assert.Throws<FormatException>(() => OssEndpointPolicy.Check("http://127.0.0.1:9100"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(OssEndpointPolicy.AllowLoopbackVariable, before);
        }
    }
}
