using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MyFunction.Tests;

/// <summary>The app in process, on a real Kestrel on loopback, called the way an HTTP trigger calls it.</summary>
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
        _client.DefaultRequestHeaders.Add("x-fc-request-id", "test-request");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Get_hello_greets_by_name()
    {
        using var json = JsonDocument.Parse(await _client.GetStringAsync("/hello?name=Ada"));
        Assert.Equal("Hello, Ada!", json.RootElement.GetProperty("greeting").GetString());
        Assert.Equal("test-request", json.RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Post_hello_takes_json()
    {
        using var response = await _client.PostAsync("/hello", new StringContent("""{"name":"Grace"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Hello, Grace!", json.RootElement.GetProperty("greeting").GetString());
    }

    [Fact]
    public async Task The_health_check_path_answers()
    {
        using var response = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
