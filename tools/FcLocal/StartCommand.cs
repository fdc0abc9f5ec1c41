using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime.Contract;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.FcLocal;

/// <summary>
/// <c>fc-local start</c>: a local HTTP trigger. Every request goes to the function as FC 3.0 forwards web requests to a
/// custom runtime (method, path, query, headers and body as they are) plus FC's headers with a fresh request id and the
/// credentials; at most <c>--concurrency</c> at once (the rest wait), over kept-alive connections. The initializer runs
/// before the first request. Ctrl+C or SIGTERM: stop accepting, let requests finish, call pre-stop, SIGTERM the function.
/// </summary>
internal static class StartCommand
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Host",
    };

    public static async Task<int> RunAsync(FunctionSettings settings, string? image, CredentialsMode mode, int port, CancellationToken token)
    {
        var credentials = await CredentialsSource.ResolveAsync(mode, token);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(token);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });

        var what = image is null ? $"{settings.CodeDirectory}/bootstrap" : $"image {image}";
        await using var instance = await FunctionInstance.StartAsync(settings, image, credentials, mode == CredentialsMode.Default, Terminal.FunctionLog);
        try
        {
            await Terminal.ProgressAsync($"starting {settings.FunctionName} ({what}) on {instance.Address} (loopback only)",
                async () => { await instance.WaitUntilReadyAsync(TimeSpan.FromSeconds(image is null ? 30 : 120), stopping.Token); return 0; });
        }
        catch (OperationCanceledException)
        {
            await instance.StopAsync(TimeSpan.FromSeconds(5));
            return Cli.Success;
        }

        var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var initializeGate = new SemaphoreSlim(1, 1);
        var initialized = settings.Initializer is null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 32L * 1024 * 1024; // FC's synchronous payload limit
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(15);
        });
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds + 5));
        await using var app = builder.Build();
        app.Run(async http =>
        {
            var requestId = FcCalls.NewRequestId();
            var clock = Stopwatch.StartNew();
            await slots.WaitAsync(http.RequestAborted);
            try
            {
                if (!initialized)
                {
                    await initializeGate.WaitAsync(http.RequestAborted);
                    try
                    {
                        if (!initialized)
                        {
                            var initializer = await FcCalls.InitializeAsync(instance.Client, settings, credentials, http.RequestAborted);
                            if (!initializer.Succeeded)
                            {
                                // FC 3.0 answers the caller 200 with X-Fc-Error-Type: InitializationError and the error body; the
                                // request never reaches the function, and the next request tries the initializer again.
                                Terminal.Error($"{FcCalls.InitializationError}: {initializer.Verdict}; the request gets FC's answer "
                                    + $"(200, {FcCalls.ErrorTypeHeader}: {FcCalls.InitializationError}) and the function was not called");
                                http.Response.StatusCode = StatusCodes.Status200OK;
                                http.Response.Headers[FcCalls.ErrorTypeHeader] = FcCalls.InitializationError;
                                http.Response.Headers["x-fc-request-id"] = requestId;
                                http.Response.ContentType = "application/json";
                                await http.Response.WriteAsync(initializer.Body, http.RequestAborted);
                                return;
                            }
                            initialized = true;
                        }
                    }
                    finally
                    {
                        initializeGate.Release();
                    }
                }
                await ForwardAsync(http, instance, settings, credentials, requestId);
            }
            finally
            {
                slots.Release();
                Terminal.Status($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString} -> {http.Response.StatusCode} ({clock.ElapsedMilliseconds} ms) RequestId: {requestId}", "90");
            }
        });

        await app.StartAsync(CancellationToken.None);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Terminal.Out($"fc-local: serving {address} -> {settings.FunctionName} (handler {settings.Handler ?? "none"}, concurrency {settings.Concurrency}); Ctrl+C stops");

        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Terminal.Status("stopping: finishing in-flight requests");
        await app.StopAsync(CancellationToken.None);
        if (settings.PreStop is not null && !instance.HasExited)
        {
            try
            {
                var (status, _, _) = await FcCalls.HookAsync(instance.Client, HttpMethod.Get, ControlPaths.PreStop, settings, credentials, settings.PreStopTimeoutSeconds, CancellationToken.None);
                Terminal.Status($"pre-stop answered {status}");
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                Terminal.Error($"pre-stop failed: {exception.Message}");
            }
        }
        var exit = await instance.StopAsync(TimeSpan.FromSeconds(20));
        Terminal.Status(exit is { } code ? $"SIGTERM sent; the function exited with {code}" : "SIGTERM sent; the function did not exit in 20 s and was killed");
        return Cli.Success;
    }

    private static async Task ForwardAsync(HttpContext http, FunctionInstance instance, FunctionSettings settings, CloudCredentials credentials, string requestId)
    {
        var incoming = http.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), incoming.Path + incoming.QueryString);
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0 || HttpMethods.IsPost(incoming.Method) || HttpMethods.IsPut(incoming.Method) || HttpMethods.IsPatch(incoming.Method))
            request.Content = new StreamContent(incoming.Body);
        foreach (var (name, values) in incoming.Headers)
        {
            // FC sets its own x-fc-* headers: a caller must not be able to pass credentials or a request id of its own.
            if (HopByHop.Contains(name) || name.StartsWith("x-fc-", StringComparison.OrdinalIgnoreCase)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values)) request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        FcCalls.AddHeaders(request.Headers, settings, credentials, requestId, ControlPaths.HttpInvoke);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds + 3));
        HttpResponseMessage response;
        try
        {
            response = await instance.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            http.Response.StatusCode = exception is OperationCanceledException ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
            http.Response.Headers[FcHeaders.RequestId] = requestId;
            await http.Response.WriteAsync(exception is OperationCanceledException ? "function timed out\n" : $"function unreachable: {exception.Message}\n");
            return;
        }
        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                if (!HopByHop.Contains(name)) http.Response.Headers[name] = values.ToArray();
            http.Response.Headers[FcHeaders.RequestId] = requestId;
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            await body.CopyToAsync(http.Response.Body, timeout.Token);
        }
    }
}
