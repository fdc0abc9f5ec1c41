using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MyFunction.Tests;

/// <summary>The app in process, on a real Kestrel on loopback, invoked the way FC invokes it.</summary>
public sealed class AppTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = App.Create([], options =>
        {
            options.Port = 0;
            options.ListenAddress = IPAddress.Loopback;
            options.LogOutput = Stream.Null;
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> InvokeAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent(body) };
        request.Headers.Add("x-fc-control-path", "/invoke");
        request.Headers.Add("x-fc-function-handler", "hello");
        request.Headers.Add("x-fc-request-id", "test-request");
        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task Hello_greets_by_name()
    {
        using var response = await InvokeAsync("""{"name":"Ada"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Hello, Ada!", json.RootElement.GetProperty("greeting").GetString());
        Assert.Equal("test-request", json.RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task A_bad_event_is_an_fc_error_answer()
    {
        using var response = await InvokeAsync("not json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // FC's "function error" status
        Assert.Contains("errorType", await response.Content.ReadAsStringAsync());
    }
}
