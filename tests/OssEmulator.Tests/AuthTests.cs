using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

public sealed class AuthTests : IAsyncLifetime
{
    private OssEmulatorServer _emu = null!;

    public async Task InitializeAsync() => _emu = await StartAsync();

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    [Fact]
    public async Task NoAuthorization_IsAnonymousAccessDenied()
    {
        using var r = await SendRawAsync(_emu, "GET", Bucket, "x.txt", sign: false);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("AccessDenied", (await ErrorXmlAsync(r)).Element("Code")!.Value);

        using var put = await SendRawAsync(_emu, "PUT", Bucket, "x.txt", body: [1, 2], sign: false);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(0, _emu.Objects.Count);
    }

    [Fact]
    public async Task UnknownKeyId_IsInvalidAccessKeyId()
    {
        var client = Client(_emu, new CloudCredentials("AKID-unknown", "whatever"));
        var e = await AssertFailsAsync(() => client.PutObjectAsync(Bucket, "k", "v"), 403, "InvalidAccessKeyId");
        Assert.Equal("AKID-unknown", e.Details["OSSAccessKeyId"]);
        Assert.Equal("AKID-unknown", _emu.Requests.Single().AccessKeyId);
    }

    [Fact]
    public async Task WrongSecret_IsSignatureDoesNotMatch_WithStringToSignButNoSecretOrToken()
    {
        var wrong = new CloudCredentials(Sts.AccessKeyId, "not-the-secret", Sts.SecurityToken);
        var e = await AssertFailsAsync(() => Client(_emu, wrong).PutObjectAsync(Bucket, "k", "v"), 403, "SignatureDoesNotMatch");
        Assert.StartsWith("OSS4-HMAC-SHA256\n", e.Details["StringToSign"]);
        Assert.False(string.IsNullOrEmpty(e.Details["SignatureProvided"]));

        using var r = await SendRawAsync(_emu, "GET", Bucket, "k", credentials: wrong);
        var body = await r.Content.ReadAsStringAsync();
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", body);
        Assert.Contains("<StringToSign>", body);
        Assert.DoesNotContain(Sts.AccessKeySecret, body);
        Assert.DoesNotContain(Sts.SecurityToken!, body);
        Assert.DoesNotContain("not-the-secret", body);

        // HEAD: same error, from x-oss-err.
        await AssertFailsAsync(() => Client(_emu, wrong).HeadObjectAsync(Bucket, "k"), 403, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task TamperedAuthorizationOrSignedParts_AreSignatureDoesNotMatch()
    {
        await Client(_emu).PutObjectAsync(Bucket, "t.txt", "v");

        // 1. A flipped signature character.
        using (var r = await SendRawAsync(_emu, "GET", Bucket, "t.txt", tamper: m =>
        {
            var auth = m.Headers.GetValues("Authorization").Single();
            var last = auth[^1];
            m.Headers.Remove("Authorization");
            m.Headers.TryAddWithoutValidation("Authorization", auth[..^1] + (last == '0' ? '1' : '0'));
        }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("SignatureDoesNotMatch", (await ErrorXmlAsync(r)).Element("Code")!.Value);
        }

        // 2. A signed header (x-oss-meta-*) changed after signing.
        using (var r = await SendRawAsync(_emu, "PUT", Bucket, "t.txt", headers: [H("x-oss-meta-owner", "alice")], body: [1],
                   afterSignHeaders: [H("x-oss-meta-owner", "mallory")]))
        {
            Assert.Equal("SignatureDoesNotMatch", (await ErrorXmlAsync(r)).Element("Code")!.Value);
        }

        // 3. Content-Type (signed by default) changed after signing.
        using (var r = await SendRawAsync(_emu, "PUT", Bucket, "t.txt", headers: [H("Content-Type", "text/plain")], body: [1],
                   afterSignHeaders: [H("Content-Type", "text/html")]))
        {
            Assert.Equal("SignatureDoesNotMatch", (await ErrorXmlAsync(r)).Element("Code")!.Value);
        }

        // 4. The query changed after signing (V4 signs every parameter).
        using (var r = await SendRawAsync(_emu, "GET", Bucket, null, [Q("list-type", "2"), Q("prefix", "a")], tamper: m =>
                   m.RequestUri = new Uri(m.RequestUri!.ToString().Replace("prefix=a", "prefix=b", StringComparison.Ordinal))))
        {
            Assert.Equal("SignatureDoesNotMatch", (await ErrorXmlAsync(r)).Element("Code")!.Value);
        }

        // 5. The key changed after signing.
        using (var r = await SendRawAsync(_emu, "GET", Bucket, "t.txt", tamper: m =>
                   m.RequestUri = new Uri(m.RequestUri!.ToString().Replace("t.txt", "u.txt", StringComparison.Ordinal))))
        {
            Assert.Equal("SignatureDoesNotMatch", (await ErrorXmlAsync(r)).Element("Code")!.Value);
        }

        // An unsigned header (User-Agent) may change freely.
        using (var r = await SendRawAsync(_emu, "GET", Bucket, "t.txt", tamper: m => m.Headers.UserAgent.ParseAdd("changed/1.0")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.Equal("v", Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, "t.txt")));
    }

    [Fact]
    public async Task SecurityTokens_AreChecked()
    {
        await Client(_emu, Sts).PutObjectAsync(Bucket, "sts.txt", "ok");
        Assert.Equal(Sts.AccessKeyId, _emu.Objects.Get(Bucket, "sts.txt")!.WrittenBy);

        var wrong = await AssertFailsAsync(() => Client(_emu, new CloudCredentials(Sts.AccessKeyId, Sts.AccessKeySecret, "bogus-token")).GetObjectAsync(Bucket, "sts.txt"),
            403, "InvalidSecurityToken");
        Assert.Equal("0002-00000006", wrong.Ec);

        // Missing token for an STS key id: OSS does not know the key id without its token (oss.md §5, OSS docs).
        await AssertFailsAsync(() => Client(_emu, new CloudCredentials(Sts.AccessKeyId, Sts.AccessKeySecret)).GetObjectAsync(Bucket, "sts.txt"), 403, "InvalidAccessKeyId");

        // A token with a long-term key: OSS treats the request as STS and the key id is not an STS one (EC 0002-00000002).
        var extra = await AssertFailsAsync(() => Client(_emu, new CloudCredentials(Main.AccessKeyId, Main.AccessKeySecret, "some-token")).GetObjectAsync(Bucket, "sts.txt"),
            403, "InvalidAccessKeyId");
        Assert.Equal("0002-00000002", extra.Ec);

        await AssertFailsAsync(() => Client(_emu, new CloudCredentials(Sts.AccessKeyId, Sts.AccessKeySecret, Sts2.SecurityToken)).GetObjectAsync(Bucket, "sts.txt"),
            403, "AccessKeyIdAndSecurityTokenNotMatch");

        var expired = await AssertFailsAsync(() => Client(_emu, Expired).GetObjectAsync(Bucket, "sts.txt"), 403, "SecurityTokenExpired");
        Assert.Equal("0002-00000007", expired.Ec);

        // The token is redacted by the client and never echoed by the emulator.
        Assert.DoesNotContain(Sts.SecurityToken!, wrong.Message);
    }

    [Fact]
    public async Task SkewedRequest_IsRequestTimeTooSkewed_WithServerTimeAndDate()
    {
        var before = DateTimeOffset.UtcNow;
        using var r = await SendRawAsync(_emu, "GET", Bucket, "x", time: DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var doc = await ErrorXmlAsync(r);
        Assert.Equal("RequestTimeTooSkewed", doc.Element("Code")!.Value);
        Assert.Equal("900000", doc.Element("MaxAllowedSkewMilliseconds")!.Value);
        var serverTime = DateTimeOffset.Parse(doc.Element("ServerTime")!.Value, CultureInfo.InvariantCulture);
        Assert.InRange(serverTime, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.InRange(r.Headers.Date!.Value, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));

        // 14 minutes off is still accepted.
        using var ok = await SendRawAsync(_emu, "GET", Bucket, null, [Q("list-type", "2")], time: DateTimeOffset.UtcNow.AddMinutes(14));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task ClientClockAnHourOff_IsCorrectedAfterOneSkewAnswer()
    {
        var client = Client(_emu, configure: o => o.TimeProvider = new OffsetTimeProvider(TimeSpan.FromHours(1)));
        await client.PutObjectAsync(Bucket, "skew.txt", "late");

        var puts = _emu.RequestsFor("PutObject");
        Assert.Equal(2, puts.Count);
        Assert.Equal("RequestTimeTooSkewed", puts[0].ErrorCode);
        Assert.Equal(403, puts[0].StatusCode);
        Assert.Equal(200, puts[1].StatusCode);
        Assert.InRange(client.ClockOffset, TimeSpan.FromMinutes(-61), TimeSpan.FromMinutes(-59));
        Assert.Equal("late", Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, "skew.txt")));
    }

    [Fact]
    public async Task ServerClockOff_IsLearntByTheClient()
    {
        await using var emu = await StartAsync(o => o.TimeProvider = new OffsetTimeProvider(TimeSpan.FromHours(-3)));
        var client = Client(emu);
        await client.PutObjectAsync(Bucket, "a", "1");
        await client.PutObjectAsync(Bucket, "b", "2");
        Assert.Equal([403, 200, 200], emu.RequestsFor("PutObject").Select(r => r.StatusCode));
        Assert.InRange(client.ClockOffset, TimeSpan.FromMinutes(-181), TimeSpan.FromMinutes(-179));
    }

    [Fact]
    public async Task WrongRegion_IsSignatureDoesNotMatch()
    {
        var client = Client(_emu, configure: o => o.Region = "cn-shanghai");
        var e = await AssertFailsAsync(() => client.PutObjectAsync(Bucket, "r", "v"), 403, "SignatureDoesNotMatch");
        Assert.Equal("0002-00000228", e.Ec);
        Assert.Contains("cn-shanghai", e.ErrorMessage);
    }

    [Fact]
    public async Task UnknownBucket_IsNoSuchBucket()
    {
        var client = Client(_emu);
        var e = await AssertFailsAsync(() => client.GetObjectAsync("missing-bucket", "k"), 404, "NoSuchBucket");
        Assert.Equal("missing-bucket", e.Details["BucketName"]);
        await AssertFailsAsync(() => client.ListObjectsV2Async("missing-bucket"), 404, "NoSuchBucket");
        await AssertFailsAsync(() => client.PutObjectAsync("missing-bucket", "k", "v"), 404, "NoSuchBucket");
    }

    [Fact]
    public async Task ContentMd5Mismatch_IsInvalidDigest_AndNothingIsStored()
    {
        byte[] body = [1, 2, 3];
        var otherMd5 = Convert.ToBase64String(MD5.HashData([9]));
        using var r = await SendRawAsync(_emu, "PUT", Bucket, "md5.bin", headers: [H("Content-MD5", otherMd5)], body: body);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("InvalidDigest", (await ErrorXmlAsync(r)).Element("Code")!.Value);

        using var malformed = await SendRawAsync(_emu, "PUT", Bucket, "md5.bin", headers: [H("Content-MD5", "bm90LW1kNQ==")], body: body);
        var doc = await ErrorXmlAsync(malformed);
        Assert.Equal("InvalidDigest", doc.Element("Code")!.Value);
        Assert.Equal("0017-00000502", doc.Element("EC")!.Value);
        Assert.Null(_emu.Objects.Get(Bucket, "md5.bin"));

        using var good = await SendRawAsync(_emu, "PUT", Bucket, "md5.bin", headers: [H("Content-MD5", Convert.ToBase64String(MD5.HashData(body)))], body: body);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(Convert.ToBase64String(MD5.HashData(body)), Header(good, "Content-MD5"));
    }

    [Theory]
    [InlineData("x-oss-storage-class", "Glacier")]
    [InlineData("x-oss-object-acl", "everyone")]
    public async Task InvalidHeaderValues_AreInvalidArgument(string header, string value)
    {
        using var r = await SendRawAsync(_emu, "PUT", Bucket, "ia.bin", headers: [H(header, value)], body: [1]);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var doc = await ErrorXmlAsync(r);
        Assert.Equal("InvalidArgument", doc.Element("Code")!.Value);
        Assert.Equal(header, doc.Element("ArgumentName")!.Value);
    }

    [Fact]
    public async Task ContentSha256OtherThanUnsignedPayload_IsInvalidArgument()
    {
        using var r = await SendRawAsync(_emu, "GET", Bucket, "x", afterSignHeaders: [H("x-oss-content-sha256", "abc")]);
        var doc = await ErrorXmlAsync(r);
        Assert.Equal("InvalidArgument", doc.Element("Code")!.Value);
        Assert.Equal("0002-00000214", doc.Element("EC")!.Value);

        using var v1 = await SendRawAsync(_emu, "GET", Bucket, "x", sign: false, afterSignHeaders: [H("Authorization", "OSS AKID-main:abc=")]);
        Assert.Equal("InvalidArgument", (await ErrorXmlAsync(v1)).Element("Code")!.Value);
    }

    [Theory]
    [InlineData("POST", "obj.txt")]
    [InlineData("PATCH", "obj.txt")]
    [InlineData("PUT", null)]
    [InlineData("DELETE", null)]
    public async Task UnsupportedMethods_AreMethodNotAllowed(string method, string? key)
    {
        using var r = await SendRawAsync(_emu, method, Bucket, key, body: method is "POST" or "PUT" ? [] : null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        var doc = await ErrorXmlAsync(r);
        Assert.Equal("MethodNotAllowed", doc.Element("Code")!.Value);
        Assert.Equal(method, doc.Element("Method")!.Value);
    }
}
