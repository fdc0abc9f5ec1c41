using FunctionCompute.Credentials;
using FunctionCompute.Oss.Addressing;

namespace FunctionCompute.Oss.Tests;

/// <summary>OSS's bucket and key rules (OssNames), which the client and the emulator both apply.</summary>
public class NameRuleTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("my-bucket-1", true)]
    [InlineData("ab", false)]
    [InlineData("-bucket", false)]
    [InlineData("bucket-", false)]
    [InlineData("Bucket", false)]
    [InlineData("my_bucket", false)]
    [InlineData("a.b.c", false)]
    [InlineData("evil.com#", false)]
    [InlineData(null, false)]
    public void BucketNames(string? name, bool valid) => Assert.Equal(valid, OssNames.IsValidBucketName(name));

    [Fact]
    public void BucketNamesAreAtMost63Characters()
    {
        Assert.True(OssNames.IsValidBucketName(new string('a', 63)));
        Assert.False(OssNames.IsValidBucketName(new string('a', 64)));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("dir/a b+c.txt", true)]
    [InlineData("/leading-slash", false)]
    [InlineData("\\leading-backslash", false)]
    [InlineData("", false)]
    public void Keys(string key, bool valid) => Assert.Equal(valid, OssNames.KeyProblem(key) is null);

    [Fact]
    public void KeysAreAtMost1023Utf8Bytes()
    {
        Assert.Null(OssNames.KeyProblem(new string('k', 1023)));
        Assert.NotNull(OssNames.KeyProblem(new string('k', 1024)));
        // 341 three-byte characters are 1023 bytes; one more is over, though only 342 chars.
        Assert.Null(OssNames.KeyProblem(new string('中', 341)));
        Assert.NotNull(OssNames.KeyProblem(new string('中', 342)));
    }

    [Fact]
    public async Task ClientRefusesAKeyOssWouldRejectBeforeSendingAnything()
    {
        var handler = new CountingHandler();
        var client = new OssClient(new OssClientOptions { Endpoint = "http://127.0.0.1:9", Region = "cn-hangzhou" },
            new StaticCredentialsProvider(new CloudCredentials("id", "secret")), new HttpClient(handler));
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.PutObjectAsync("bucket", "/absolute", new byte[] { 1 }));
        Assert.Contains("cannot start with '/'", ex.Message);
        Assert.Equal(0, handler.Sent);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Sent);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
