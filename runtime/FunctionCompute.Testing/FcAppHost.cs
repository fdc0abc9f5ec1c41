using System.Net;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FunctionCompute.Testing;

/// <summary>
/// The app under test, built the way the package builds it, with its log going to an <see cref="FcLogCapture"/>: either
/// from the app's own entry point (its <c>Program</c>, intercepted like ASP.NET Core's <c>WebApplicationFactory</c> does)
/// or from a factory method that passes the kit's options hook to <c>FunctionApp.CreateBuilder</c>.
/// </summary>
internal sealed class FcAppHost : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;

    private FcAppHost(IHost host, FcLogCapture log, TestServer? server, Func<ValueTask> dispose)
    {
        Host = host;
        Log = log;
        Server = server;
        _dispose = dispose;
        Pipeline = host.Services.GetRequiredService<FunctionPipeline>();
        Calls = host.Services.GetRequiredService<CallServices>();
    }

    public IHost Host { get; }

    public FcLogCapture Log { get; }

    /// <summary>The in-memory server, when the app was started on one.</summary>
    public TestServer? Server { get; }

    public FunctionPipeline Pipeline { get; }

    public CallServices Calls { get; }

    /// <summary>Builds the app with its factory; on a started in-memory server when <paramref name="serve"/>, else not started.</summary>
    public static async Task<FcAppHost> FromFactoryAsync(Func<Action<FunctionAppOptions>, WebApplication> createApp, Action<FunctionAppOptions>? configure, bool serve)
    {
        ArgumentNullException.ThrowIfNull(createApp);
        var log = new FcLogCapture();
        var app = createApp(options =>
        {
            options.Port = 0;
            options.ListenAddress = IPAddress.Loopback;
            options.LogOutput = log;
            configure?.Invoke(options);
            if (!serve) return;
            var inner = options.ConfigureBuilder;
            options.ConfigureBuilder = builder =>
            {
                inner?.Invoke(builder);
                builder.WebHost.UseTestServer();
            };
        });
        if (!serve) return new FcAppHost(app, log, null, app.DisposeAsync);
        await app.StartAsync();
        var server = app.Services.GetRequiredService<IServer>() as TestServer
            ?? throw new InvalidOperationException("The app did not take the test server: build it with FunctionApp.CreateBuilder(args, configure), passing the configure given to the factory.");
        return new FcAppHost(app, log, server, async () =>
        {
            await app.StopAsync();
            await app.DisposeAsync();
        });
    }

    /// <summary>Runs the app's entry point (<typeparamref name="TEntryPoint"/> is any type of its assembly, usually <c>Program</c>) on an in-memory server.</summary>
    public static FcAppHost FromEntryPoint<TEntryPoint>(Action<FunctionAppOptions>? configure) where TEntryPoint : class
    {
        var log = new FcLogCapture();
        var factory = new EntryPointFactory<TEntryPoint>(log, configure);
        try
        {
            var server = factory.Server; // runs the entry point up to Build(), then starts the host on the test server
            return new FcAppHost(factory.Services.GetRequiredService<IHost>(), log, server, factory.DisposeAsync);
        }
        catch
        {
            factory.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _dispose();

    /// <summary>
    /// ASP.NET Core's factory over the app's entry point: <c>Main</c> runs until the app builds its host, which the factory
    /// takes (with a test server in Kestrel's place) instead of letting <c>Run</c> listen.
    /// </summary>
    private sealed class EntryPointFactory<TEntryPoint>(FcLogCapture log, Action<FunctionAppOptions>? configure) : WebApplicationFactory<TEntryPoint>
        where TEntryPoint : class
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // The package runs in Production: no developer exception page between an endpoint and the runtime's answer.
            builder.UseEnvironment(Environments.Production);
            builder.ConfigureServices(services =>
            {
                // The options FunctionApp.CreateBuilder registered: what they say is read when the app first needs it.
                var options = services.LastOrDefault(d => d.ServiceType == typeof(FunctionAppOptions))?.ImplementationInstance as FunctionAppOptions
                    ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} does not build its app with FunctionApp.CreateBuilder.");
                options.LogOutput = log;
                configure?.Invoke(options);
            });
        }
    }
}
