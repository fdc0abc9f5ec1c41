using System.Net;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime.Tests.Infrastructure;

/// <summary>
/// A real function app on a real Kestrel server on 127.0.0.1 (a free port), with its log captured.
/// Tests talk to it over real HTTP, as FC does.
/// </summary>
public sealed class TestFunctionHost : IAsyncDisposable
{
    private readonly CapturedLog _log;

    private TestFunctionHost(WebApplication app, CapturedLog log, Uri address)
    {
        App = app;
        _log = log;
        Address = address;
        Client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public WebApplication App { get; }
    /// <summary>Everything logged so far (the runtime's writer is flushed first).</summary>
    public CapturedLog Log
    {
        get
        {
            App.Services.GetRequiredService<FunctionCompute.Runtime.Logging.FcLogWriter>().Flush();
            return _log;
        }
    }

    /// <summary>Waits for a line that is written after the answer went out (a web call's End line).</summary>
    public async Task WaitForLogLineAsync(string line)
    {
        for (var i = 0; i < 200 && !Log.Lines.Contains(line); i++) await Task.Delay(10);
        Assert.Contains(line, Log.Lines);
    }

    /// <summary>Waits for a line that matches <paramref name="match"/>.</summary>
    public async Task WaitForLogLineAsync(Func<string, bool> match)
    {
        for (var i = 0; i < 200 && !Log.Lines.Any(match); i++) await Task.Delay(10);
        Assert.Contains(Log.Lines, line => match(line));
    }
    public Uri Address { get; }
    public HttpClient Client { get; }

    public static async Task<TestFunctionHost> StartAsync(Action<WebApplication> map, Action<FunctionAppOptions>? configure = null, Action<WebApplicationBuilder>? build = null)
    {
        var log = new CapturedLog();
        var builder = FunctionApp.CreateBuilder([], options =>
        {
            options.Port = 0;
            options.ListenAddress = IPAddress.Loopback;
            options.LogOutput = log;
            configure?.Invoke(options);
        });
        build?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestFunctionHost(app, log, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
