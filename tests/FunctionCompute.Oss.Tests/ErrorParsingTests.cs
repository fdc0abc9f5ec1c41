using System.Net;
using FunctionCompute.Credentials;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss.Tests;

public class ErrorParsingTests
{
    private static readonly string[] NoSecrets = [];

    private static HttpResponseMessage Response(HttpStatusCode status, string? body = null)
    {
        var r = new HttpResponseMessage(status) { Content = new StringContent(body ?? "") };
        r.Headers.TryAddWithoutValidation("x-oss-request-id", "header-rid");
        r.Headers.TryAddWithoutValidation("x-oss-ec", "header-ec");
        r.Headers.Date = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        return r;
    }

    [Fact]
    public async Task ParsesAllFieldsOfTheDocumentedErrorXml()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>MissingArgument</Code>
              <Message>Missing Some Required Arguments.</Message>
              <RequestId>57ABD896CCB80C366955****</RequestId>
              <HostId>oss-example.oss-cn-hangzhou.aliyuncs.com</HostId>
              <EC>0016-00000502</EC>
              <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0016-00000502</RecommendDoc>
            </Error>
            """;
        using var r = Response(HttpStatusCode.BadRequest, xml);
        var e = await OssErrorParser.FromResponseAsync(r, NoSecrets, default);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("MissingArgument", e.Code);
        Assert.Equal("Missing Some Required Arguments.", e.ErrorMessage);
        Assert.Equal("57ABD896CCB80C366955****", e.RequestId);
        Assert.Equal("oss-example.oss-cn-hangzhou.aliyuncs.com", e.HostId);
        Assert.Equal("0016-00000502", e.Ec);
        Assert.Equal("https://api.aliyun.com/troubleshoot?q=0016-00000502", e.Details["RecommendDoc"]);
        Assert.Contains("400 MissingArgument", e.Message);
        Assert.Contains("57ABD896CCB80C366955****", e.Message);
    }

    [Fact]
    public void NamespacedErrorIsParsedByLocalName()
    {
        var e = OssErrorParser.Parse(HttpStatusCode.NotFound,
            "<Error xmlns=\"http://doc.oss-cn-hangzhou.aliyuncs.com\"><Code>NoSuchBucket</Code><Message>m</Message></Error>", null, NoSecrets);
        Assert.Equal("NoSuchBucket", e.Code);
        Assert.True(e.IsNotFound);
        Assert.Null(e.RequestId);
    }

    [Fact]
    public void SkewErrorCarriesServerTimeFromXmlInPreferenceToDateHeader()
    {
        using var r = Response(HttpStatusCode.Forbidden);
        var e = OssErrorParser.Parse(HttpStatusCode.Forbidden,
            "<Error><Code>RequestTimeTooSkewed</Code><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds><RequestTime>1970-01-01T12:52:35.000Z</RequestTime><ServerTime>2019-03-30T13:18:53.000Z</ServerTime></Error>",
            r.Headers, NoSecrets);
        Assert.Equal(new DateTimeOffset(2019, 3, 30, 13, 18, 53, TimeSpan.Zero), e.ServerTime);
        Assert.Equal("900000", e.Details["MaxAllowedSkewMilliseconds"]);

        var noServerTime = OssErrorParser.Parse(HttpStatusCode.Forbidden, "<Error><Code>RequestTimeTooSkewed</Code></Error>", r.Headers, NoSecrets);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), noServerTime.ServerTime);
        Assert.Equal("header-rid", noServerTime.RequestId);
        Assert.Equal("header-ec", noServerTime.Ec);
    }

    [Theory]
    [InlineData("<Error><Code>Oops</Code>")]
    [InlineData("<html><body>502 Bad Gateway</body></html")]
    [InlineData("not xml at all")]
    [InlineData("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Error><Code>&a;</Code></Error>")]
    public async Task MalformedBodiesGiveAClearExceptionNotACrash(string body)
    {
        using var r = Response(HttpStatusCode.BadGateway, body);
        var e = await OssErrorParser.FromResponseAsync(r, NoSecrets, default);
        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Equal("BadErrorResponse", e.Code);
        Assert.Contains("not valid XML", e.ErrorMessage);
        Assert.Equal("header-rid", e.RequestId);
    }

    [Fact]
    public void XmlThatIsNotAnErrorDocumentIsReported()
    {
        var e = OssErrorParser.Parse(HttpStatusCode.InternalServerError, "<Other/>", null, NoSecrets);
        Assert.Equal("BadErrorResponse", e.Code);
        Assert.Contains("<Other>", e.ErrorMessage);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "NoSuchKey")]
    [InlineData(HttpStatusCode.PreconditionFailed, "PreconditionFailed")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "BadErrorResponse")]
    public async Task EmptyBodyMapsStatusToCode(HttpStatusCode status, string code)
    {
        using var r = Response(status);
        var e = await OssErrorParser.FromResponseAsync(r, NoSecrets, default);
        Assert.Equal(code, e.Code);
        Assert.Equal("header-rid", e.RequestId);
    }

    [Fact]
    public async Task HeadErrorIsReadFromBase64Header()
    {
        using var r = Response(HttpStatusCode.Forbidden);
        r.Headers.TryAddWithoutValidation("x-oss-err", Convert.ToBase64String("<Error><Code>AccessDenied</Code><Message>no</Message><RequestId>x</RequestId></Error>"u8.ToArray()));
        var e = await OssErrorParser.FromResponseAsync(r, NoSecrets, default);
        Assert.Equal("AccessDenied", e.Code);
        Assert.Equal("x", e.RequestId);
    }

    [Fact]
    public void SecretsEchoedByTheServerAreRedacted()
    {
        const string secret = "VerySecretValue123", token = "CAIS-sts-token-abcdef";
        var xml = $"<Error><Code>SignatureDoesNotMatch</Code><Message>token {token} bad</Message><CanonicalRequest>PUT\n/b/k\n\nx-oss-security-token:{token}\n</CanonicalRequest><Echo>{secret}</Echo></Error>";
        var e = OssErrorParser.Parse(HttpStatusCode.Forbidden, xml, null, [secret, token]);
        var all = e.ToString() + string.Join("|", e.Details.Values) + e.ErrorMessage;
        Assert.DoesNotContain(token, all);
        Assert.DoesNotContain(secret, all);
        Assert.Contains("***", e.Details["CanonicalRequest"]);
    }

    [Fact]
    public void ToStringsNeverShowSecrets()
    {
        const string secret = "VerySecretValue123", token = "CAIS-sts-token-abcdef";
        var creds = new CloudCredentials("LTAI5tKeyId", secret, token);
        var req = new OssSigningRequest("PUT", "bucket", "k").AddHeader("x-oss-date", "20261123T100000Z").AddHeader("x-oss-security-token", token);
        var sig = OssV4Signer.Sign(req, creds.AccessKeyId, creds.AccessKeySecret, "cn-hangzhou");
        var client = new OssClient(new OssClientOptions { Endpoint = "oss-cn-hangzhou.aliyuncs.com" }, new StaticCredentialsProvider(creds));
        var options = new PutObjectOptions { Credentials = creds };
        foreach (var text in new[] { creds.ToString(), req.ToString(), sig.ToString(), client.ToString(), options.ToString()! })
        {
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain(token, text);
        }

        Assert.Contains(token, sig.CanonicalRequest); // sanity: the token really is signed
    }

    // Regression (found by OssXmlProperties): the excerpt of a body that is not XML was cut at 120 UTF-16 units,
    // which could leave half of a surrogate pair in the exception message.
    [Fact]
    public void Excerpt_of_a_non_xml_body_never_splits_a_surrogate_pair()
    {
        var body = "<" + new string('x', 118) + "\U0001F600" + " and more";
        var e = OssErrorParser.Parse(HttpStatusCode.BadGateway, body, null, NoSecrets);
        Assert.Equal(OssErrorParser.BadErrorResponse, e.Code);
        Assert.Contains("<" + new string('x', 118) + "…", e.Message);
        // The pair may appear whole (the XML error quotes it); never one half alone.
        for (var i = 0; i < e.Message.Length; i++)
        {
            if (char.IsHighSurrogate(e.Message[i])) Assert.True(char.IsLowSurrogate(e.Message[++i]), e.Message);
            else Assert.False(char.IsLowSurrogate(e.Message[i]), e.Message);
        }
    }
}
