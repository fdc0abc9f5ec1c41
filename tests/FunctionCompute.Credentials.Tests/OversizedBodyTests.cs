using System.Net;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;

namespace FunctionCompute.Credentials.Tests;

/// <summary>
/// Answers longer than the providers read are cut; a cut through a surrogate pair used to leave invalid UTF-16,
/// which System.Text.Json rejects with ArgumentException (not JsonException), escaping the typed errors.
/// </summary>
public class OversizedBodyTests
{
    private sealed class Answering(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.Method == HttpMethod.Put
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("metadata-token") }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });
    }

    // A JSON string value whose character number `limit` is the second half of an emoji.
    private static string CutInsideEmojiAt(int limit) => "{\"Code\":\"" + new string('a', limit - 10) + "\U0001F600" + "\"}";

    [Fact]
    public async Task Ecs_metadata_answer_cut_inside_a_surrogate_pair_is_a_CredentialsException()
    {
        var provider = new EcsRamRoleCredentialsProvider(new EcsRamRoleOptions { RoleName = "role", HttpClient = new HttpClient(new Answering(CutInsideEmojiAt(64 * 1024))) });
        await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());
    }

    [Fact]
    public async Task Credentials_uri_answer_cut_inside_a_surrogate_pair_is_a_CredentialsException()
    {
        var provider = new CredentialsUriProvider(new Uri("http://127.0.0.1:9/credentials"), new CredentialsSettings { HttpClient = new HttpClient(new Answering(CutInsideEmojiAt(64 * 1024))) });
        await Assert.ThrowsAsync<CredentialsException>(async () => await provider.FetchAsync());
    }

    [Fact]
    public async Task Sts_answer_cut_inside_a_surrogate_pair_is_an_StsException()
    {
        var client = new StsClient(new StsClientOptions { Endpoint = "sts.aliyuncs.com", HttpClient = new HttpClient(new Answering(CutInsideEmojiAt(1 << 20))) });
        await Assert.ThrowsAsync<StsException>(() =>
            client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1:role/r" }, new CloudCredentials("LTAI5tKey", "caller-secret")));
    }
}
