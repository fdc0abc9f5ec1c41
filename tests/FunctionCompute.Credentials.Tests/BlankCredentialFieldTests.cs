using System.Net;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;

namespace FunctionCompute.Credentials.Tests;

/// <summary>
/// Regressions (found by CredentialDocumentProperties): a credential document whose AccessKeyId, AccessKeySecret or
/// SecurityToken was only whitespace passed the "present" check and then made CloudCredentials throw a raw
/// ArgumentException, instead of the provider's typed error.
/// </summary>
public class BlankCredentialFieldTests
{
    private sealed class Answering(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.Method == HttpMethod.Put
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("metadata-token") }
                : new HttpResponseMessage(status) { Content = new StringContent(body) });
    }

    private static HttpClient Http(string body) => new(new Answering(HttpStatusCode.OK, body));

    private static string Document(string id, string secret, string token) =>
        $$"""{"Code":"Success","AccessKeyId":"{{id}}","AccessKeySecret":"{{secret}}","SecurityToken":"{{token}}","Expiration":"2026-11-23T11:00:00Z"}""";

    public static TheoryData<string, string, string> BlankFields => new()
    {
        { " ", "secret-value", "CAIS-token" },
        { "STS.id", "  ", "CAIS-token" },
        { "STS.id", "secret-value", "\\t" }, // a JSON-escaped tab
        { "STS.id", "secret-value", "\u00A0" },
    };

    [Theory]
    [MemberData(nameof(BlankFields))]
    public async Task Sts_answer_with_a_blank_key_field_is_an_StsException(string id, string secret, string token)
    {
        var client = new StsClient(new StsClientOptions { Endpoint = "sts.aliyuncs.com", HttpClient = Http($$"""{"RequestId":"R","Credentials":{{Document(id, secret, token)}}}""") });
        var e = await Assert.ThrowsAsync<StsException>(() =>
            client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1:role/r" }, new CloudCredentials("LTAI5tKey", "caller-secret")));
        Assert.Equal("InvalidResponse", e.Code);
    }

    [Theory]
    [MemberData(nameof(BlankFields))]
    public async Task Ecs_metadata_document_with_a_blank_key_field_is_a_CredentialsException(string id, string secret, string token)
    {
        var provider = new EcsRamRoleCredentialsProvider(new EcsRamRoleOptions { RoleName = "role", HttpClient = Http(Document(id, secret, token)) });
        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());
        Assert.Contains("lacks AccessKeyId, AccessKeySecret or SecurityToken", e.Message);
    }

    [Theory]
    [MemberData(nameof(BlankFields))]
    public async Task Credentials_uri_document_with_a_blank_key_field_is_a_CredentialsException(string id, string secret, string token)
    {
        var provider = new CredentialsUriProvider(new Uri("http://127.0.0.1:9/credentials"), new CredentialsSettings { HttpClient = Http(Document(id, secret, token)) });
        var e = await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());
        Assert.Contains("without AccessKeyId, AccessKeySecret or SecurityToken", e.Message);
    }
}
