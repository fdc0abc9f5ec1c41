using System.Security.Cryptography;
using System.Text;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss.Tests;

/// <summary>Vectors from docs/oss.md §2.7 (ali-oss, independent Python and C# implementations, go-v2 unit tests).</summary>
public class SigningTests
{
    private const string Ak = "LTAI5tTestKeyId", Sk = "TestSecret123", Token = "CAIS-test-token", Region = "cn-hangzhou";
    private const string Bucket = "examplebucket", Key = "dir/hello world+ü.txt";

    private static OssSigningRequest WithCommonHeaders(string method, string? key) =>
        new OssSigningRequest(method, Bucket, key)
            .AddHeader("x-oss-date", "20261123T100000Z")
            .AddHeader("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
            .AddHeader("x-oss-security-token", Token);

    private static string Sha256Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    [Fact]
    public void Md5OfHelloMatchesVectorInput() =>
        Assert.Equal("XUFAKrxLKna5cZ2REBfFkg==", Convert.ToBase64String(MD5.HashData("hello"u8)));

    [Fact]
    public void SigningKeyChainMatchesIntermediateValues()
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("aliyun_v4" + Sk), Encoding.UTF8.GetBytes("20261123"));
        Assert.Equal("ac20f1e96e97dbe328cf997dc47b3c6089cc6c3c712d0d65e28218a451dbf8f4", Convert.ToHexStringLower(kDate));
        Assert.Equal("e8dde9cfe233b12852e9368104ebf6b781854a08ffe5608621b7f233e4b72560",
            Convert.ToHexStringLower(OssV4Signer.DeriveSigningKey(Sk, "20261123", Region)));
    }

    [Fact]
    public void VectorA_PutObject()
    {
        var req = WithCommonHeaders("PUT", Key)
            .AddHeader("Content-Type", "text/plain")
            .AddHeader("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg==")
            .AddHeader("Content-Length", "5");
        var sig = OssV4Signer.Sign(req, Ak, Sk, Region);
        Assert.Equal("PUT\n/examplebucket/dir/hello%20world%2B%C3%BC.txt\n\ncontent-md5:XUFAKrxLKna5cZ2REBfFkg==\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261123T100000Z\nx-oss-security-token:CAIS-test-token\n\n\nUNSIGNED-PAYLOAD", sig.CanonicalRequest);
        Assert.Equal("d65194c7e51fdc135c332c3cd95961053bdd761f7ce6e6852ac5a769fa67b1a7", Sha256Hex(sig.CanonicalRequest));
        Assert.Equal("OSS4-HMAC-SHA256\n20261123T100000Z\n20261123/cn-hangzhou/oss/aliyun_v4_request\nd65194c7e51fdc135c332c3cd95961053bdd761f7ce6e6852ac5a769fa67b1a7", sig.StringToSign);
        Assert.Equal("f63d7a71d3aba55bb9410ad4a2121ec5a0caab29849c956cd2a49bb9330e453d", sig.Signature);
        Assert.Equal("OSS4-HMAC-SHA256 Credential=LTAI5tTestKeyId/20261123/cn-hangzhou/oss/aliyun_v4_request,Signature=f63d7a71d3aba55bb9410ad4a2121ec5a0caab29849c956cd2a49bb9330e453d", sig.Authorization);
    }

    [Fact]
    public void VectorB_ListObjectsV2()
    {
        var req = WithCommonHeaders("GET", null)
            .AddQuery("list-type", "2").AddQuery("prefix", "dir/").AddQuery("max-keys", "100").AddQuery("continuation-token", "a b/c");
        var sig = OssV4Signer.Sign(req, Ak, Sk, Region);
        Assert.Equal("GET\n/examplebucket/\ncontinuation-token=a%20b%2Fc&list-type=2&max-keys=100&prefix=dir%2F\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261123T100000Z\nx-oss-security-token:CAIS-test-token\n\n\nUNSIGNED-PAYLOAD", sig.CanonicalRequest);
        Assert.Equal("c072e48c522aec0579190f28811b95f4c8f81e708357e2ca13c6198958cce6a0", Sha256Hex(sig.CanonicalRequest));
        Assert.Equal("5336c1f1582ea5495531230176a913cf148e25d177548c890204fc40eb5e39d4", sig.Signature);
        Assert.Equal("OSS4-HMAC-SHA256 Credential=LTAI5tTestKeyId/20261123/cn-hangzhou/oss/aliyun_v4_request,Signature=5336c1f1582ea5495531230176a913cf148e25d177548c890204fc40eb5e39d4", sig.Authorization);
    }

    [Fact]
    public void VectorC_UploadPartWithAdditionalHostHeader()
    {
        var req = WithCommonHeaders("PUT", Key)
            .AddHeader("Host", "examplebucket.oss-cn-hangzhou.aliyuncs.com")
            .AddHeader("Content-Length", "5")
            .AddQuery("partNumber", "1").AddQuery("uploadId", "0004B9894A22E5B1888A1E29F823****");
        req.AdditionalHeaders.Add("host");
        var sig = OssV4Signer.Sign(req, Ak, Sk, Region);
        Assert.Equal("PUT\n/examplebucket/dir/hello%20world%2B%C3%BC.txt\npartNumber=1&uploadId=0004B9894A22E5B1888A1E29F823%2A%2A%2A%2A\nhost:examplebucket.oss-cn-hangzhou.aliyuncs.com\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261123T100000Z\nx-oss-security-token:CAIS-test-token\n\nhost\nUNSIGNED-PAYLOAD", sig.CanonicalRequest);
        Assert.Equal("cef9135d7f074b5e03307ddf359c2ba7101d252c3cb967a06328f12a6bedb5d7", Sha256Hex(sig.CanonicalRequest));
        Assert.Equal("OSS4-HMAC-SHA256 Credential=LTAI5tTestKeyId/20261123/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=6c2cccec154a5587460b3d35878dc0f6500fad1537ada53a4998366a883451be", sig.Authorization);
    }

    [Fact]
    public void VectorD_InitiateMultipartUploadValuelessSubresource()
    {
        var req = WithCommonHeaders("POST", Key).AddHeader("Content-Type", "text/plain").AddQuery("uploads");
        var sig = OssV4Signer.Sign(req, Ak, Sk, Region);
        Assert.Equal("POST\n/examplebucket/dir/hello%20world%2B%C3%BC.txt\nuploads\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261123T100000Z\nx-oss-security-token:CAIS-test-token\n\n\nUNSIGNED-PAYLOAD", sig.CanonicalRequest);
        Assert.Equal("1c6bf0b57cc2c8074bbb15ea7e1b770d2a7e8bd2f7c86032da1772707c0ddf44", Sha256Hex(sig.CanonicalRequest));
        Assert.Equal("OSS4-HMAC-SHA256 Credential=LTAI5tTestKeyId/20261123/cn-hangzhou/oss/aliyun_v4_request,Signature=4f0844688a307c3fb397f8ffaff5732e98141d2b66d4407888320a6dc08fc647", sig.Authorization);
    }

    private static OssSigningRequest GoRequest(long unixSeconds)
    {
        var req = new OssSigningRequest("PUT", "bucket", "1234+-/123/1.txt")
            .AddQuery("param1", "value1").AddQuery("+param1", "value3").AddQuery("|param1", "value4")
            .AddQuery("+param2", "").AddQuery("|param2", "").AddQuery("param2", "")
            .AddHeader("x-oss-head1", "value").AddHeader("abc", "value").AddHeader("ZAbc", "value").AddHeader("XYZ", "value")
            .AddHeader("content-type", "text/plain").AddHeader("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
            .AddHeader("x-oss-date", OssV4Signer.FormatDateTime(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));
        return req;
    }

    [Fact]
    public void GoV2_TestV4AuthHeader()
    {
        var req = GoRequest(1702743657);
        Assert.Equal("20231216T162057Z", req.GetHeader("x-oss-date"));
        Assert.Equal("OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe",
            OssV4Signer.Sign(req, "ak", "sk", Region).Authorization);
    }

    [Fact]
    public void GoV2_TestV4AuthHeaderToken()
    {
        var req = GoRequest(1702784856).AddHeader("x-oss-security-token", "token");
        Assert.EndsWith(",Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea", OssV4Signer.Sign(req, "ak", "sk", Region).Authorization);
    }

    [Fact]
    public void GoV2_TestV4AuthHeaderWithAdditionalHeaders()
    {
        var req = GoRequest(1702747512);
        req.AdditionalHeaders.AddRange(["ZAbc", "abc"]);
        Assert.EndsWith(",AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f",
            OssV4Signer.Sign(req, "ak", "sk", Region).Authorization);
    }

    [Fact]
    public void AdditionalHeadersThatAreAbsentOrDefaultSignedAreDropped()
    {
        var req = WithCommonHeaders("GET", "k");
        req.AdditionalHeaders.AddRange(["range", "x-oss-date", "content-type"]);
        var sig = OssV4Signer.Sign(req, Ak, Sk, Region);
        Assert.Equal("", sig.AdditionalHeaders);
        Assert.DoesNotContain("AdditionalHeaders", sig.Authorization);
    }

    [Fact]
    public void SigningWithoutDateHeaderIsRejected() =>
        Assert.Throws<ArgumentException>(() => OssV4Signer.Sign(new OssSigningRequest("GET", Bucket, "k"), Ak, Sk, Region));

    [Fact]
    public void VerifyAcceptsOwnSignatureAndRejectsTampering()
    {
        OssSigningRequest Build(string key) => WithCommonHeaders("PUT", key).AddHeader("Content-Type", "text/plain").AddQuery("uploadId", "a b");
        var signed = OssV4Signer.Sign(Build(Key), Ak, Sk, Region);
        Assert.True(OssV4Authorization.TryParse(signed.Authorization, out var auth));
        Assert.Equal(Ak, auth!.AccessKeyId);
        Assert.Equal(Region, auth.Region);
        Assert.Equal("20261123", auth.Date);
        Assert.True(OssV4Signer.Verify(Build(Key), auth, Sk));
        Assert.False(OssV4Signer.Verify(Build(Key), auth, "wrong-secret"));
        Assert.False(OssV4Signer.Verify(Build("dir/other.txt"), auth, Sk));
        var tamperedToken = new OssSigningRequest("PUT", Bucket, Key).AddHeader("x-oss-date", "20261123T100000Z")
            .AddHeader("x-oss-content-sha256", "UNSIGNED-PAYLOAD").AddHeader("x-oss-security-token", "other").AddHeader("Content-Type", "text/plain").AddQuery("uploadId", "a b");
        Assert.False(OssV4Signer.Verify(tamperedToken, auth, Sk));
    }

    [Fact]
    public void VerifyHonoursAdditionalHeadersNamedInAuthorization()
    {
        var req = WithCommonHeaders("GET", Key).AddHeader("Host", "h.example").AddHeader("Range", "bytes=0-1");
        req.AdditionalHeaders.AddRange(["host", "range"]);
        var signed = OssV4Signer.Sign(req, Ak, Sk, Region);
        Assert.Contains("AdditionalHeaders=host;range,", signed.Authorization);
        Assert.True(OssV4Authorization.TryParse(signed.Authorization, out var auth));
        var received = WithCommonHeaders("GET", Key).AddHeader("Host", "h.example").AddHeader("Range", "bytes=0-1");
        Assert.True(OssV4Signer.Verify(received, auth!, Sk));
        var changedRange = WithCommonHeaders("GET", Key).AddHeader("Host", "h.example").AddHeader("Range", "bytes=0-2");
        Assert.False(OssV4Signer.Verify(changedRange, auth!, Sk));
    }

    [Theory]
    [InlineData("OSS4-HMAC-SHA256 Credential=ak/20261123/cn-hangzhou/oss/aliyun_v4_request, Signature=abc, AdditionalHeaders=host")]
    [InlineData("OSS4-HMAC-SHA256 Credential=ak/20261123/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=abc")]
    public void AuthorizationParsesBothSdkLayouts(string header)
    {
        Assert.True(OssV4Authorization.TryParse(header, out var auth));
        Assert.Equal("ak", auth!.AccessKeyId);
        Assert.Equal(["host"], auth.AdditionalHeaders);
        Assert.Equal("abc", auth.Signature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("OSS ak:sig")]
    [InlineData("OSS4-HMAC-SHA256 Credential=ak/2026/cn-hangzhou/oss/aliyun_v4_request,Signature=abc")]
    [InlineData("OSS4-HMAC-SHA256 Credential=ak/20261123/cn-hangzhou/oss/aliyun_v4_request")]
    [InlineData("OSS4-HMAC-SHA256 Credential=ak/20261123/cn-hangzhou/oss/other,Signature=abc")]
    [InlineData("OSS4-HMAC-SHA256 Credential=ak/20261123/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=,Signature=abc")]
    public void AuthorizationRejectsMalformedHeaders(string? header) =>
        Assert.False(OssV4Authorization.TryParse(header, out _));

    [Fact]
    public void MultipleValuesOfAHeaderAreJoinedWithComma()
    {
        var req = WithCommonHeaders("GET", "k").AddHeader("x-oss-meta-a", " 1 ").AddHeader("X-Oss-Meta-A", "2");
        Assert.Contains("\nx-oss-meta-a:1,2\n", OssV4Signer.Sign(req, Ak, Sk, Region).CanonicalRequest);
    }
}
