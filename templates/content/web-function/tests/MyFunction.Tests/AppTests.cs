using System.Net;
using System.Text;
using System.Text.Json;
using FunctionCompute.Testing;

namespace MyFunction.Tests;

/// <summary>
/// The whole app on the test kit's in-memory server, called the way FC 3.0 forwards an HTTP trigger's request: the
/// request unchanged, plus FC's headers (request id, credentials, function settings).
/// </summary>
public sealed class AppTests : IAsyncLifetime
{
    private FcTestServer _fc = null!;

    public async Task InitializeAsync() => _fc = await FcTestServer.StartAsync(configure => App.Create([], configure));

    public async Task DisposeAsync() => await _fc.DisposeAsync();

    private async Task<JsonElement> SendAsync(HttpRequestMessage request)
    {
        using var response = await _fc.SendAsync(request, new FcContextBuilder().WithRequestId("test-request"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task Get_hello_greets_by_name_with_the_requests_id()
    {
        var json = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/hello?name=Ada"));

        Assert.Equal("Hello, Ada!", json.GetProperty("greeting").GetString());
        Assert.Equal("test-request", json.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Post_hello_takes_json()
    {
        var json = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/hello")
        {
            Content = new StringContent("""{"name":"Grace"}""", Encoding.UTF8, "application/json"),
        });

        Assert.Equal("Hello, Grace!", json.GetProperty("greeting").GetString());
        Assert.Contains(_fc.Log.Lines, line => line.RequestId == "test-request" && line.Message.Contains("greeting Grace"));
    }

    [Fact]
    public async Task The_health_check_path_answers()
    {
        using var response = await _fc.CreateClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
