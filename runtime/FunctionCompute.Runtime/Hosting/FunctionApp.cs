using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime;

/// <summary>
/// Creates an ASP.NET Core app that serves FC's custom-runtime contract. Everything else is plain
/// ASP.NET Core: map event handlers with <c>MapEvent</c>, web endpoints with <c>MapGet</c>/<c>MapPost</c>,
/// and use the usual services, configuration and logging.
/// </summary>
public static class FunctionApp
{
    /// <summary>
    /// A lean <see cref="WebApplicationBuilder"/> set up for FC (configuration, logging, Kestrel and routing as the slim
    /// builder's, without its console logger and file watchers): Kestrel on <c>0.0.0.0</c> (or <see cref="FunctionAppOptions.ListenAddressVariable"/>) and the port FC
    /// names, FC's keep-alive and body limits, FC's log format for every <see cref="ILogger"/> (text, or one JSON object per
    /// line with <c>FC_LOG_FORMAT=json</c>, see <see cref="FunctionAppOptions.LogFormat"/>), and the contract's routing in
    /// front of the app's own endpoints.
    /// </summary>
    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="configure">Adjusts the options read from the environment (tests pick port 0 and a log sink here).</param>
    public static WebApplicationBuilder CreateBuilder(string[]? args = null, Action<FunctionAppOptions>? configure = null)
    {
        var options = FunctionAppOptions.FromEnvironment();
        configure?.Invoke(options);

        var builder = CreateHostBuilder(args ?? []);

        // The port comes from FC's variables only: ASPNETCORE_HTTP_PORTS (8080 in the .NET container images) must not win.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, "");
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, "");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.ListenAddress, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
            // Events enforce their own limit with a contract error; web requests get it per request.
            kestrel.Limits.MaxRequestBodySize = null;
        });

        // A bad configured format stops start-up here; the format itself is chosen when the writer is made (below), so
        // a format the test kit sets on the options after the app built its builder still applies. Code (or
        // FC_LOG_FORMAT, read into the options) wins over configuration, which wins over text.
        var configuredFormat = FcLogFormats.Parse(builder.Configuration[FcLogFormats.ConfigurationKey], $"Configuration key {FcLogFormats.ConfigurationKey}");
        builder.Logging.ClearProviders();
        // The writer is made from the options when first resolved, not here: a test host (the kit's, over the app's own
        // Program) points the options' LogOutput at its capture after the app has built its builder.
        builder.Services.AddSingleton(_ => new FcLogWriter(options.LogOutput, options.Clock, options.LogFormat ?? configuredFormat ?? FcLogFormat.Text));
        // Each format has its own provider, so the text path carries no test of the format per line.
        builder.Services.AddSingleton<ILoggerProvider>(services =>
        {
            var writer = services.GetRequiredService<FcLogWriter>();
            return writer.Format == FcLogFormat.Json ? new FcJsonLoggerProvider(writer) : new FcLoggerProvider(writer);
        });
        // The host adds the current trace to every scope list by default; JSON lines carry traceId and spanId themselves.
        builder.Services.AddOptions<LoggerFactoryOptions>().Configure<FcLogWriter>((factory, writer) =>
        {
            if (writer.Format == FcLogFormat.Json) factory.ActivityTrackingOptions = ActivityTrackingOptions.None;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        // Hosting's per-request log (request starting/finished) is off anyway at Warning, but while its category is
        // enabled at all, hosting also starts an Activity and a log scope for every request: about 1 µs of CPU per
        // invocation (perf profile of the echo bench). The runtime writes its own lines per invocation, and an
        // ActivityListener (OpenTelemetry) still gets its activities. A default, under the app's own configuration:
        // Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics in appsettings.json or the environment wins.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", nameof(LogLevel.None))],
        });

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<EventHandlerRegistry>();
        builder.Services.AddSingleton<FunctionLifecycle>();
        builder.Services.AddSingleton<CallServices>();
        builder.Services.AddSingleton<EventHandlerServices>();
        builder.Services.AddOptions<EventJsonOptions>();
        builder.Services.AddSingleton(services => new FunctionPipeline(services.GetRequiredService<EventHandlerRegistry>(),
            services.GetRequiredService<FunctionLifecycle>(), services.GetRequiredService<EventHandlerServices>(), options.MaxEventBytes));
        // Resolved from the invocation scope the runtime enters around every call, not from IHttpContextAccessor:
        // registering the accessor makes hosting set an AsyncLocal twice on every request, invocations included.
        builder.Services.AddScoped<IFcContext>(_ =>
            InvocationScope.Current ?? throw new InvalidOperationException("IFcContext is only available while a request is being handled."));
        builder.Services.AddSingleton<IStartupFilter, ContractStartupFilter>();
        options.ConfigureBuilder?.Invoke(builder);
        return builder;
    }

    /// <summary>
    /// What <see cref="WebApplication.CreateSlimBuilder(WebApplicationOptions)"/> gives an app, less what a function never
    /// uses. Host settings (environment, content root, application name) from <c>ASPNETCORE_</c> then <c>DOTNET_</c>
    /// variables, then the command line (where a test host passes <c>--environment</c>), each later one winning;
    /// configuration from the prefixed variables, <c>appsettings.json</c>, <c>appsettings.{Environment}.json</c>, the
    /// environment and the command line, in the slim builder's order; the <c>Logging</c> section; Kestrel without HTTPS;
    /// routing; scope validation in Development. Left out: the console logger (the runtime writes FC's format itself),
    /// the file watchers that reload appsettings on change (a code package does not change under a running instance; the
    /// slim builder's watched the content root recursively), the <c>Kestrel</c> configuration section (the runtime sets
    /// where Kestrel listens and its limits; <c>builder.WebHost.ConfigureKestrel</c> changes them in code; binding the
    /// section cost 0.65 MiB of resident memory at start), user secrets, host filtering and the developer exception page
    /// (none of which FC's gateway or a deployed function uses).
    /// </summary>
    private static WebApplicationBuilder CreateHostBuilder(string[] args)
    {
        var host = new ConfigurationBuilder()
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables("DOTNET_")
            .AddCommandLine(args)
            .Build();
        string? Host(string key) => host[key] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = Host(HostDefaults.EnvironmentKey) ?? Environments.Production,
            ContentRootPath = Host(HostDefaults.ContentRootKey),
            ApplicationName = Host(HostDefaults.ApplicationKey),
        });
        var environment = builder.Environment.EnvironmentName;
        builder.Configuration
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables("DOTNET_")
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.Configure(logging => logging.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        var development = builder.Environment.IsDevelopment();
        builder.Host.UseDefaultServiceProvider(provider =>
        {
            provider.ValidateScopes = development;
            provider.ValidateOnBuild = development;
        });
        return builder;
    }

    /// <summary>Puts the contract in front of the whole pipeline, and says where the runtime listens once it does.</summary>
    private sealed class ContractStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var services = app.ApplicationServices;
            var pipeline = services.GetRequiredService<FunctionPipeline>();
            var calls = services.GetRequiredService<CallServices>();
            var options = services.GetRequiredService<FunctionAppOptions>();
            // Routing's composite of every endpoint data source the app maps (null only if routing is not registered at all).
            var endpoints = services.GetService<EndpointDataSource>();
            app.Use(inner => new ContractMiddleware(inner, pipeline, calls, options, endpoints).InvokeAsync);
            ReportStart(services);
            next(app);
        };

        private static void ReportStart(IServiceProvider services)
        {
            var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionCompute.Runtime");
            lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
                var handlers = services.GetRequiredService<EventHandlerRegistry>().Names;
                logger.LogInformation("FC runtime listening on {Addresses}; event handlers: {Handlers}",
                    addresses is null ? "?" : string.Join(", ", addresses),
                    handlers.Count == 0 ? "none" : string.Join(", ", handlers.Order(StringComparer.Ordinal)));
            });
            lifetime.ApplicationStopping.Register(() => logger.LogInformation("FC runtime stopping: finishing in-flight invocations"));
        }
    }
}
