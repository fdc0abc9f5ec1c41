using System.Net;
using FunctionCompute.Credentials.Signing;
using FunctionCompute.Credentials.Sts;
using FunctionCompute.Credentials.Tests.StandIns;
using FunctionCompute.StandIns;

namespace FunctionCompute.Credentials.Tests;

public sealed class StsClientTests : IAsyncLifetime
{
    private const string KeyId = "LTAI5tStsTestKey";
    private const string KeySecret = "sts-test-long-term-secret-do-not-leak";
    private StsServer _sts = null!;
    private CloudCredentials Keys => new(KeyId, KeySecret);

    public async Task InitializeAsync()
    {
        _sts = await StsServer.StartAsync();
        _sts.AccessKeys[KeyId] = KeySecret;
        _sts.Roles[_sts.RoleArn("test-role")] = new StsRole { MaxSessionDuration = 3600 };
        _sts.Roles[_sts.RoleArn("ext-role")] = new StsRole { RequiredExternalId = "abcd-1234" };
    }

    public async Task DisposeAsync() => await _sts.DisposeAsync();

    private StsClient Client(Action<StsClientOptions>? configure = null)
    {
        var options = new StsClientOptions { Endpoint = _sts.Endpoint };
        configure?.Invoke(options);
        return new StsClient(options);
    }

    [Fact]
    public async Task AssumeRole_ReturnsTypedResult_VerifiedByTheStandIn()
    {
        var before = DateTimeOffset.UtcNow;
        var result = await Client().AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = _sts.RoleArn("test-role"),
            RoleSessionName = "alice",
            DurationSeconds = 1800,
            Policy = """{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Resource":"*"}]}""",
        }, Keys);

        Assert.StartsWith("STS.", result.Credentials.AccessKeyId);
        Assert.True(_sts.TryGetIssued(result.Credentials.AccessKeyId, out var issuedSecret));
        Assert.Equal(issuedSecret, result.Credentials.AccessKeySecret);
        Assert.NotNull(result.Credentials.SecurityToken);
        Assert.InRange(result.Expiration, before.AddSeconds(1799), DateTimeOffset.UtcNow.AddSeconds(1801));
        Assert.Equal($"acs:ram::{_sts.AccountId}:role/test-role/alice", result.AssumedRoleUser.Arn);
        Assert.EndsWith(":alice", result.AssumedRoleUser.AssumedRoleId);
        Assert.Matches("^[0-9A-F-]{36}$", result.RequestId);
        Assert.Equal(1, _sts.Successes);

        var sent = Assert.Single(_sts.Requests);
        Assert.Equal("POST", sent.Method);
        Assert.Contains("Signature=", sent.RawQuery);
        Assert.DoesNotContain("RoleArn", sent.RawQuery); // API parameters travel in the form body
        Assert.Contains("RoleArn=acs%3Aram%3A%3A", sent.Body);
        Assert.Equal("application/x-www-form-urlencoded", sent.Headers["content-type"]);
        Assert.DoesNotContain(KeySecret, sent.RawQuery + sent.Body);
    }

    [Fact]
    public async Task AssumeRole_SendsExactlyTheDocumentedPostVector()
    {
        var time = new ManualTimeProvider(SigningTests.Time);
        await using var sts = await StsServer.StartAsync(time);
        sts.AccessKeys[SigningTests.KeyId] = SigningTests.Secret;
        sts.Roles["acs:ram::1234567890123456:role/test-role"] = new StsRole();
        var client = new StsClient(new StsClientOptions { Endpoint = sts.Endpoint, TimeProvider = time, NonceGenerator = () => SigningTests.Nonce });

        await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1234567890123456:role/test-role", RoleSessionName = "fc-session", DurationSeconds = 3600 },
            new CloudCredentials(SigningTests.KeyId, SigningTests.Secret));

        var sent = Assert.Single(sts.Requests);
        Assert.Equal("?Action=AssumeRole&Version=2015-04-01&Format=JSON&Timestamp=2026-11-23T10%3A00%3A00Z&AccessKeyId=LTAI5tTestKeyId&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Signature=hMd7x9N70LVdZrxkiQoqvJHtw84%3D", sent.RawQuery);
        Assert.Equal("RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Ftest-role&RoleSessionName=fc-session&DurationSeconds=3600", sent.Body);
    }

    [Fact]
    public async Task AssumeRole_WithGet_SendsTheDocumentedGetSignature()
    {
        var time = new ManualTimeProvider(SigningTests.Time);
        await using var sts = await StsServer.StartAsync(time);
        sts.AccessKeys[SigningTests.KeyId] = SigningTests.Secret;
        sts.Roles["acs:ram::1234567890123456:role/test-role"] = new StsRole();
        var client = new StsClient(new StsClientOptions { Endpoint = sts.Endpoint, TimeProvider = time, NonceGenerator = () => SigningTests.Nonce, Method = HttpMethod.Get });

        await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1234567890123456:role/test-role", RoleSessionName = "fc-session", DurationSeconds = 3600 },
            new CloudCredentials(SigningTests.KeyId, SigningTests.Secret));

        var sent = Assert.Single(sts.Requests);
        Assert.Equal("GET", sent.Method);
        Assert.EndsWith("&Signature=bGMKN%2FP72EDzaoeom4rvjSN61sU%3D", sent.RawQuery);
        Assert.Equal(1, sts.Successes);
    }

    [Fact]
    public async Task WrongSecret_IsSignatureDoesNotMatch_WithTheRealErrorShape_AndNoSecret()
    {
        var ex = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(
            new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), RoleSessionName = "s1" }, new CloudCredentials(KeyId, "wrong-secret-do-not-leak")));
        Assert.Equal("SignatureDoesNotMatch", ex.Code);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("sts.aliyuncs.com", ex.HostId);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.Contains(ex.RequestId!, ex.Message);
        Assert.StartsWith("https://api.alibabacloud.com/troubleshoot?q=SignatureDoesNotMatch", ex.Recommend);
        Assert.StartsWith("POST&%2F&AccessKeyId%3DLTAI5tStsTestKey", ex.ServerStringToSign);
        Assert.False(ex.IsRetryable);
        Secrets.AssertAbsent(Secrets.AllText(ex), "wrong-secret-do-not-leak", KeySecret);
    }

    [Fact]
    public async Task RoleChaining_SignsWithSecurityToken_AndMasksItInErrors()
    {
        var first = await Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), RoleSessionName = "hop1" }, Keys);
        var second = await Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), RoleSessionName = "hop2" }, first.Credentials);
        Assert.NotEqual(first.Credentials.AccessKeyId, second.Credentials.AccessKeyId);
        Assert.Equal(first.Credentials.SecurityToken, _sts.Requests.Last().Parameters["SecurityToken"]);

        var forged = new CloudCredentials(first.Credentials.AccessKeyId, "forged-secret", first.Credentials.SecurityToken);
        var ex = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), RoleSessionName = "hop3" }, forged));
        Assert.Equal("SignatureDoesNotMatch", ex.Code);
        Assert.Contains("SecurityToken%3D***", ex.Message); // the server echoed it inside its string to sign
        Secrets.AssertAbsent(Secrets.AllText(ex), first.Credentials.SecurityToken, first.Credentials.AccessKeySecret, "forged-secret");
    }

    [Fact]
    public async Task StsTokenWithWrongToken_IsRefused()
    {
        var first = await Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), RoleSessionName = "hop1" }, Keys);
        var mismatched = new CloudCredentials(first.Credentials.AccessKeyId, first.Credentials.AccessKeySecret, "CAIS-some-other-token");
        var ex = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") }, mismatched));
        Assert.Equal("InvalidSecurityToken.MismatchWithAccessKey", ex.Code);
    }

    [Fact]
    public async Task UnknownAccessKey_IsInvalidAccessKeyIdNotFound_404()
    {
        var ex = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") }, new CloudCredentials("LTAIunknown", "x-secret")));
        Assert.Equal("InvalidAccessKeyId.NotFound", ex.Code);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task DurationAboveTheRoleMaximum_IsInvalidParameterDurationSeconds_AndBelow900IsRejectedLocally()
    {
        var ex = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), DurationSeconds = 7200 }, Keys));
        Assert.Equal("InvalidParameter.DurationSeconds", ex.Code);

        var requests = _sts.Requests.Count;
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), DurationSeconds = 899 }, Keys));
        Assert.Equal(requests, _sts.Requests.Count);
    }

    [Fact]
    public async Task BadSessionName_UnknownRole_AndExternalId_AreReportedWithTheirCodes()
    {
        var badName = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role"), RoleSessionName = "a b" }, Keys));
        Assert.Equal("InvalidParameter.RoleSessionName", badName.Code);

        var noRole = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("nope") }, Keys));
        Assert.Equal("EntityNotExist.Role", noRole.Code);

        var noExternalId = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("ext-role") }, Keys));
        Assert.Equal("NoPermission", noExternalId.Code);
        Assert.Equal(HttpStatusCode.Forbidden, noExternalId.StatusCode);

        var ok = await Client().AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("ext-role"), ExternalId = "abcd-1234" }, Keys);
        Assert.Equal("abcd-1234", _sts.Requests.Last().Parameters["ExternalId"]);
        Assert.StartsWith("credentials-dotnet-", _sts.Requests.Last().Parameters["RoleSessionName"]);
        Assert.NotNull(ok.Credentials.SecurityToken);
    }

    [Fact]
    public async Task StandIn_RejectsMissingRoleArn_AndBadPolicy()
    {
        var now = DateTimeOffset.UtcNow;
        async Task<string> Raw(Dictionary<string, string> api)
        {
            var parameters = new Dictionary<string, string>(api)
            {
                ["Action"] = "AssumeRole",
                ["Version"] = "2015-04-01",
                ["Format"] = "JSON",
                ["Timestamp"] = RpcSignature.FormatTimestamp(now),
                ["SignatureMethod"] = "HMAC-SHA1",
                ["SignatureVersion"] = "1.0",
                ["SignatureNonce"] = Guid.NewGuid().ToString(),
                ["AccessKeyId"] = KeyId,
            };
            parameters["Signature"] = RpcSignature.Sign("GET", parameters, KeySecret);
            using var http = new HttpClient();
            var url = new Uri(_sts.BaseAddress, "/?" + string.Join('&', parameters.Select(p => RpcSignature.PercentEncode(p.Key) + "=" + RpcSignature.PercentEncode(p.Value))));
            using var response = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("\"Code\":\"MissingRoleArn\"", await Raw(new() { ["RoleSessionName"] = "s1" }));
        Assert.Contains("\"Code\":\"MissingRoleSessionName\"", await Raw(new() { ["RoleArn"] = _sts.RoleArn("test-role") }));
        Assert.Contains("\"Code\":\"InvalidParameter.PolicyGrammar\"", await Raw(new() { ["RoleArn"] = _sts.RoleArn("test-role"), ["RoleSessionName"] = "s1", ["Policy"] = "{not json" }));
    }

    [Fact]
    public async Task ClockSkewOver15Minutes_IsInvalidTimeStampExpired()
    {
        var skewed = new ManualTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-20));
        var ex = await Assert.ThrowsAsync<StsException>(() => Client(o => o.TimeProvider = skewed).AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") }, Keys));
        Assert.Equal("InvalidTimeStamp.Expired", ex.Code);

        skewed.Set(DateTimeOffset.UtcNow.AddMinutes(-10)); // within the allowed skew
        await Client(o => o.TimeProvider = skewed).AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") }, Keys);
    }

    [Fact]
    public async Task ReusedNonce_IsSignatureNonceUsed()
    {
        var client = Client(o => o.NonceGenerator = () => "fixed-nonce-1");
        await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") }, Keys);
        var ex = await Assert.ThrowsAsync<StsException>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") }, Keys));
        Assert.Equal("SignatureNonceUsed", ex.Code);
    }

    [Fact]
    public async Task InjectedFailures_Throttling_InternalError_NonJson_BrokenSuccess()
    {
        var request = new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") };
        _sts.FailNext(HttpStatusCode.BadRequest, "Throttling.User", "Request was denied due to user flow control.");
        var throttled = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(request, Keys));
        Assert.Equal("Throttling.User", throttled.Code);
        Assert.True(throttled.IsRetryable);

        _sts.FailNext(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
        var unavailable = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(request, Keys));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.True(unavailable.IsRetryable);

        _sts.FailNext(HttpStatusCode.BadGateway, "", "", rawBody: "<html>bad gateway</html>");
        var html = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(request, Keys));
        Assert.Equal("HttpError", html.Code);
        Assert.Equal(HttpStatusCode.BadGateway, html.StatusCode);

        _sts.OmitCredentials = true;
        var broken = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleAsync(request, Keys));
        Assert.Equal("InvalidResponse", broken.Code);
    }

    [Fact]
    public async Task SlowServer_TimesOut()
    {
        _sts.Delay = TimeSpan.FromSeconds(5);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<StsException>(() => Client(o => o.Timeout = TimeSpan.FromMilliseconds(300))
            .AssumeRoleAsync(new AssumeRoleRequest { RoleArn = _sts.RoleArn("test-role") }, Keys));
        Assert.Equal("RequestFailed", ex.Code);
        Assert.Contains("timed out", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AssumeRoleWithOidc_IsAnonymous_AndChecksTheToken()
    {
        const string providerArn = "acs:ram::1234567890123456:oidc-provider/ack-rrsa";
        const string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.signature-do-not-leak";
        _sts.OidcProviders[providerArn] = jwt;
        var result = await Client().AssumeRoleWithOidcAsync(new AssumeRoleWithOidcRequest { RoleArn = _sts.RoleArn("test-role"), OidcProviderArn = providerArn, OidcToken = jwt, RoleSessionName = "pod" });
        Assert.StartsWith("STS.", result.Credentials.AccessKeyId);
        var sent = _sts.Requests.Last();
        Assert.False(sent.Parameters.ContainsKey("AccessKeyId"));
        Assert.False(sent.Parameters.ContainsKey("Signature"));
        Assert.Equal("AssumeRoleWithOIDC", sent.Parameters["Action"]);

        var ex = await Assert.ThrowsAsync<StsException>(() => Client().AssumeRoleWithOidcAsync(new AssumeRoleWithOidcRequest { RoleArn = _sts.RoleArn("test-role"), OidcProviderArn = providerArn, OidcToken = "wrong.jwt.token" }));
        Assert.Equal("AuthenticationFail.OIDCToken.Invalid", ex.Code);
    }

    [Theory]
    [InlineData(null, null, false, null, null, "sts.aliyuncs.com")]
    [InlineData("sts.example.internal", "cn-hangzhou", true, null, null, "sts.example.internal")]
    [InlineData(null, "cn-hangzhou", false, null, null, "sts.cn-hangzhou.aliyuncs.com")]
    [InlineData(null, "cn-hangzhou", true, null, null, "sts-vpc.cn-hangzhou.aliyuncs.com")]
    [InlineData(null, null, false, "ap-southeast-1", null, "sts.ap-southeast-1.aliyuncs.com")]
    [InlineData(null, null, false, "cn-shanghai", "TRUE", "sts-vpc.cn-shanghai.aliyuncs.com")]
    [InlineData(null, null, true, null, null, "sts.aliyuncs.com")] // VPC only applies with a region
    public void EndpointRules(string? endpoint, string? region, bool vpc, string? envRegion, string? envVpc, string expected)
    {
        var vars = new Dictionary<string, string>();
        if (envRegion is not null) vars[CredentialsEnvironmentVariables.StsRegion] = envRegion;
        if (envVpc is not null) vars[CredentialsEnvironmentVariables.VpcEndpointEnabled] = envVpc;
        Assert.Equal(expected, StsEndpoints.Resolve(endpoint, region, vpc, CredentialsEnvironment.FromVariables(vars)));
    }

    [Fact]
    public void HostEndpoint_UsesHttps_AndUrlsAreKept()
    {
        Assert.Equal(new Uri("https://sts.cn-hangzhou.aliyuncs.com/"), new StsClient(new StsClientOptions { RegionId = "cn-hangzhou" }).BaseAddress);
        Assert.Equal(_sts.BaseAddress, Client().BaseAddress);
    }
}
