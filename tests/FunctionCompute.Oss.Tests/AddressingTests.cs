using FunctionCompute.Oss.Addressing;

namespace FunctionCompute.Oss.Tests;

public class AddressingTests
{
    private static readonly List<KeyValuePair<string, string?>> NoQuery = [];

    [Theory]
    [InlineData("oss-cn-hangzhou.aliyuncs.com", "https", "oss-cn-hangzhou.aliyuncs.com", null, "cn-hangzhou", false)]
    [InlineData("oss-cn-hangzhou-internal.aliyuncs.com", "https", "oss-cn-hangzhou-internal.aliyuncs.com", null, "cn-hangzhou", true)]
    [InlineData("http://oss-ap-southeast-1.aliyuncs.com", "http", "oss-ap-southeast-1.aliyuncs.com", null, "ap-southeast-1", false)]
    [InlineData("https://OSS-CN-SHANGHAI.ALIYUNCS.COM:8443/", "https", "oss-cn-shanghai.aliyuncs.com", 8443, "cn-shanghai", false)]
    [InlineData("cn-beijing.oss.aliyuncs.com", "https", "cn-beijing.oss.aliyuncs.com", null, "cn-beijing", false)]
    [InlineData("oss-accelerate.aliyuncs.com", "https", "oss-accelerate.aliyuncs.com", null, null, false)]
    [InlineData("oss-accelerate-overseas.aliyuncs.com", "https", "oss-accelerate-overseas.aliyuncs.com", null, null, false)]
    [InlineData("storage.example.com", "https", "storage.example.com", null, null, false)]
    [InlineData("http://127.0.0.1:9000", "http", "127.0.0.1", 9000, null, false)]
    [InlineData("localhost:9000", "https", "localhost", 9000, null, false)]
    public void ParsesEndpoints(string input, string scheme, string host, int? port, string? region, bool isInternal)
    {
        var e = OssEndpoint.Parse(input);
        Assert.Equal(scheme, e.Scheme);
        Assert.Equal(host, e.Host);
        Assert.Equal(port, e.Port);
        Assert.Equal(region, e.Region);
        Assert.Equal(isInternal, e.IsInternal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000", true, false)]
    [InlineData("http://[::1]:9000", true, false)]
    [InlineData("http://localhost:9000", false, true)]
    [InlineData("http://minio.localhost", false, true)]
    [InlineData("oss-cn-hangzhou.aliyuncs.com", false, false)]
    public void DetectsIpAndLocalhost(string input, bool ip, bool localhost)
    {
        var e = OssEndpoint.Parse(input);
        Assert.Equal(ip, e.IsIpAddress);
        Assert.Equal(localhost, e.IsLocalhost);
        Assert.Equal(ip || localhost, e.RequiresPathStyle);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ftp://oss-cn-hangzhou.aliyuncs.com")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com/some/path")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com/?x=1")]
    [InlineData("http://")]
    public void RejectsBadEndpoints(string input) => Assert.Throws<FormatException>(() => OssEndpoint.Parse(input));

    // The finding: an OSS trigger record's region "cn-x@127.0.0.1:19702#" glued into oss-<region>-internal.aliyuncs.com
    // parsed as user info "oss-cn-x", host 127.0.0.1:19702 and a fragment, so the request went to loopback.
    [Theory]
    [InlineData("oss-cn-x@127.0.0.1:19702#-internal.aliyuncs.com", "user info")]
    [InlineData("https://user:password@oss-cn-hangzhou.aliyuncs.com", "user info")]
    [InlineData("https://@oss-cn-hangzhou.aliyuncs.com", "user info")]
    [InlineData("oss-cn-hangzhou#.127.0.0.1", "fragment")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com#frag", "fragment")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com#", "fragment")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com/#", "fragment")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com?", "query")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com/?", "query")]
    [InlineData("https://oss-cn_x.aliyuncs.com", "'_'")]
    [InlineData("https://%31%32%37.0.0.1", "'%'")]
    [InlineData("https://127.0.0.1\\@oss-cn-hangzhou.aliyuncs.com", "'\\'")]
    [InlineData("oss-cn-hangzhou.aliyuncs.com\t.evil", "U+0009")]
    public void RejectsUserInfoFragmentsQueriesAndOddCharacters(string input, string reason)
    {
        var e = Assert.Throws<FormatException>(() => OssEndpoint.Parse(input));
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain("password", e.Message);
    }

    [Theory]
    [InlineData("cn-hangzhou", true)]
    [InlineData("ap-southeast-1", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("CN-HANGZHOU", false)]
    [InlineData("cn_hangzhou", false)]
    [InlineData("cn-x@127.0.0.1:19702#", false)]
    [InlineData("cn-hangzhou.evil", false)]
    [InlineData("cn hangzhou", false)]
    public void RegionIdsAreLowercaseLettersDigitsAndHyphens(string? region, bool valid) => Assert.Equal(valid, OssEndpoint.IsRegionId(region));

    [Fact]
    public void RegionFromHostHandlesBucketPrefixedHosts()
    {
        Assert.Equal(("cn-hangzhou", false), OssEndpoint.RegionFromHost("examplebucket.oss-cn-hangzhou.aliyuncs.com"));
        Assert.Equal(("cn-hangzhou", true), OssEndpoint.RegionFromHost("examplebucket.oss-cn-hangzhou-internal.aliyuncs.com"));
        Assert.Equal(((string?)null, false), OssEndpoint.RegionFromHost("ecs.aliyuncs.com"));
    }

    [Fact]
    public void VirtualHostedStyleForOssDomains()
    {
        var u = OssUrlBuilder.Build(OssEndpoint.Parse("oss-cn-hangzhou.aliyuncs.com"), "examplebucket", "dir/hello world+ü.txt", NoQuery, pathStyle: false);
        Assert.Equal("https://examplebucket.oss-cn-hangzhou.aliyuncs.com/dir/hello%20world%2B%C3%BC.txt", u.AbsoluteUri);
        Assert.Equal("/dir/hello%20world%2B%C3%BC.txt", u.AbsolutePath);
    }

    [Fact]
    public void InternalEndpointKeepsInternalHost()
    {
        var u = OssUrlBuilder.Build(OssEndpoint.Parse("oss-cn-hangzhou-internal.aliyuncs.com"), "b-1", "k", NoQuery, false);
        Assert.Equal("https://b-1.oss-cn-hangzhou-internal.aliyuncs.com/k", u.AbsoluteUri);
    }

    [Fact]
    public void BucketLevelRequestsUseRootPathAndQuery()
    {
        var q = new List<KeyValuePair<string, string?>> { new("list-type", "2"), new("prefix", "a b/"), new("continuation-token", "x+y*") };
        var u = OssUrlBuilder.Build(OssEndpoint.Parse("oss-cn-hangzhou.aliyuncs.com"), "examplebucket", null, q, false);
        Assert.Equal("https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?continuation-token=x%2By%2A&list-type=2&prefix=a%20b%2F", u.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000", false, "http://127.0.0.1:9000/examplebucket/a%20b.txt?uploads")]
    [InlineData("http://localhost:9000", false, "http://localhost:9000/examplebucket/a%20b.txt?uploads")]
    [InlineData("http://[::1]:9000", false, "http://[::1]:9000/examplebucket/a%20b.txt?uploads")]
    [InlineData("https://emulator.example", true, "https://emulator.example/examplebucket/a%20b.txt?uploads")]
    [InlineData("https://emulator.example", false, "https://examplebucket.emulator.example/a%20b.txt?uploads")]
    public void PathStyleForIpLocalhostOrWhenAsked(string endpoint, bool pathStyle, string expected)
    {
        var q = new List<KeyValuePair<string, string?>> { new("uploads", null) };
        Assert.Equal(expected, OssUrlBuilder.Build(OssEndpoint.Parse(endpoint), "examplebucket", "a b.txt", q, pathStyle).AbsoluteUri);
    }

    [Fact]
    public void PathStyleBucketLevelHasTrailingSlash() =>
        Assert.Equal("http://127.0.0.1:1/bkt/", OssUrlBuilder.Build(OssEndpoint.Parse("http://127.0.0.1:1"), "bkt", null, NoQuery, false).AbsoluteUri);

    [Fact]
    public void DotSegmentsAndDoubleSlashesInKeysAreNotNormalised()
    {
        var u = OssUrlBuilder.Build(OssEndpoint.Parse("oss-cn-hangzhou.aliyuncs.com"), "b-1", "a/../b//./c", NoQuery, false);
        Assert.Equal("/a/../b//./c", u.AbsolutePath);
        Assert.Equal("https://b-1.oss-cn-hangzhou.aliyuncs.com/a/../b//./c", u.AbsoluteUri);
    }

    [Fact]
    public void ClientTakesRegionFromEndpointOrOptions()
    {
        var creds = new Credentials.StaticCredentialsProvider(Credentials.CloudCredentials.None);
        Assert.Equal("cn-shenzhen", new OssClient(new OssClientOptions { Endpoint = "oss-cn-shenzhen-internal.aliyuncs.com" }, creds).Region);
        Assert.Equal("eu-central-1", new OssClient(new OssClientOptions { Endpoint = "http://127.0.0.1:1", Region = "eu-central-1" }, creds).Region);
        var ex = Assert.Throws<ArgumentException>(() => new OssClient(new OssClientOptions { Endpoint = "http://127.0.0.1:1" }, creds));
        Assert.Contains("Region", ex.Message);
    }
}
