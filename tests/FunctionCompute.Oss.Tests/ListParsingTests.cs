using System.Net;
using System.Text;
using FunctionCompute.Credentials;

namespace FunctionCompute.Oss.Tests;

/// <summary>ListObjectsV2 answers read from a canned body (no server).</summary>
public class ListParsingTests
{
    private sealed class Answering(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/xml") });
    }

    private static OssClient ClientAnswering(string body) =>
        new(new OssClientOptions { Endpoint = "https://oss-cn-hangzhou.aliyuncs.com", MaxRetries = 0 },
            new StaticCredentialsProvider(new CloudCredentials("LTAI5tTestKeyId", "TestSecret123")),
            new HttpClient(new Answering(body)));

    // Regression (found by OssXmlProperties): a key that is not valid URL encoding in an encoding-type=url
    // listing escaped as a raw FormatException instead of the client's OssException.
    [Theory]
    [InlineData("abc%")]
    [InlineData("%G1")]
    [InlineData("dir/%4")]
    public async Task Malformed_url_encoded_key_is_an_invalid_response(string key)
    {
        var xml = $"<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>{key}</Key></Contents></ListBucketResult>";
        var e = await Assert.ThrowsAsync<OssException>(() => ClientAnswering(xml).ListObjectsV2Async("examplebucket"));
        Assert.Equal("InvalidResponse", e.Code);
        Assert.IsType<FormatException>(e.InnerException);
    }

    // Regression (noted while writing OssXmlProperties): a KeyCount beyond int was cast and wrapped silently.
    [Theory]
    [InlineData("4294967297")]
    [InlineData("-1")]
    public async Task A_key_count_outside_int_is_an_invalid_response(string count)
    {
        var xml = $"<ListBucketResult><KeyCount>{count}</KeyCount></ListBucketResult>";
        var e = await Assert.ThrowsAsync<OssException>(() => ClientAnswering(xml).ListObjectsV2Async("examplebucket"));
        Assert.Equal("InvalidResponse", e.Code);
        Assert.Contains(count, e.Message);
    }

    [Fact]
    public async Task Malformed_continuation_token_is_an_invalid_response()
    {
        const string xml = "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextContinuationToken>a%zz</NextContinuationToken></ListBucketResult>";
        var e = await Assert.ThrowsAsync<OssException>(() => ClientAnswering(xml).ListObjectsV2Async("examplebucket"));
        Assert.Equal("InvalidResponse", e.Code);
    }
}
