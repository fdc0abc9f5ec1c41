using System.Net;
using System.Text.Json;
using FunctionCompute.Runtime.Contract;

namespace Reliability.Tests;

/// <summary>FC's invoke calls, built the way FC sends them, and checks of the contract's error answer.</summary>
internal static class Invocation
{
    public static HttpRequestMessage Invoke(string handler, HttpContent body, string requestId, int timeoutSeconds = 30,
        (string Id, string Secret, string Token)? credentials = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = body };
        request.Headers.Add(FcHeaders.ControlPath, "/invoke");
        request.Headers.Add(FcHeaders.FunctionHandler, handler);
        request.Headers.Add(FcHeaders.RequestId, requestId);
        request.Headers.Add(FcHeaders.FunctionTimeout, timeoutSeconds.ToString());
        request.Headers.Add(FcHeaders.Region, "cn-hangzhou"); // FC always sends it; the OSS samples sign for it
        if (credentials is var (id, secret, token))
        {
            request.Headers.Add(FcHeaders.AccessKeyId, id);
            request.Headers.Add(FcHeaders.AccessKeySecret, secret);
            request.Headers.Add(FcHeaders.SecurityToken, token);
        }
        return request;
    }

    public static HttpRequestMessage Invoke(string handler, string body, string requestId, int timeoutSeconds = 30,
        (string Id, string Secret, string Token)? credentials = null) =>
        Invoke(handler, new StringContent(body), requestId, timeoutSeconds, credentials);

    /// <summary>Asserts the contract's error answer (404, <c>x-fc-status: 404</c>, error JSON) and returns its type and message.</summary>
    public static async Task<(string Type, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("404", response.Headers.GetValues(FcHeaders.Status).Single());
        using var json = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("stackTrace").ValueKind);
        return (json.RootElement.GetProperty("errorType").GetString()!, json.RootElement.GetProperty("errorMessage").GetString()!);
    }

    /// <summary>The instance still serves: an echo round trip with a fresh request id.</summary>
    public static async Task AssertStillServes(HttpClient client, string requestId)
    {
        using var response = await client.SendAsync(Invoke("echo", "still serving " + requestId, requestId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("still serving " + requestId, await response.Content.ReadAsStringAsync());
    }
}
