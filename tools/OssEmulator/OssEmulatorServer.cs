using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using FunctionCompute.OssEmulator.Faults;
using FunctionCompute.OssEmulator.Hosting;
using FunctionCompute.OssEmulator.Protocol;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.OssEmulator;

/// <summary>
/// A local OSS (path style: <c>http://127.0.0.1:port/bucket/key</c>) on Kestrel. It verifies V4 signatures and
/// security tokens against its credential table, stores objects in memory or a directory, and can be scripted
/// to fail (<see cref="Faults"/>, or <c>POST /_emulator/faults</c>).
/// </summary>
public sealed class OssEmulatorServer : IAsyncDisposable
{
    /// <summary>Admin path prefix. Bucket names cannot contain <c>_</c>, so no OSS path can collide with it.</summary>
    public const string AdminPrefix = "/_emulator";

    private readonly WebApplication _app;
    private readonly OssEmulatorOptions _options;
    private readonly CredentialTable _credentials = new();
    private readonly ConcurrentQueue<OssRequestRecord> _requests = new();
    private int _disposed;

    private OssEmulatorServer(WebApplication app, OssEmulatorOptions options, OssObjectStore store)
    {
        _app = app;
        _options = options;
        Objects = store;
        foreach (var c in options.Credentials) _credentials.Add(c);
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:54321</c> (no trailing slash).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>The port actually listened on.</summary>
    public int Port { get; private set; }

    /// <summary>The signing region requests must use.</summary>
    public string Region => _options.Region;

    /// <summary>Scripted faults.</summary>
    public OssFaultInjector Faults { get; } = new();

    /// <summary>Stored objects, for assertions.</summary>
    public OssObjectStore Objects { get; }

    /// <summary>Every OSS request handled so far, in completion order.</summary>
    public IReadOnlyList<OssRequestRecord> Requests => [.. _requests];

    /// <summary>Requests of one operation (e.g. <c>UploadPart</c>).</summary>
    public IReadOnlyList<OssRequestRecord> RequestsFor(string operation) => [.. _requests.Where(r => r.Operation == operation)];

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _requests.Clear();

    /// <summary>Adds (or replaces) a credential while running.</summary>
    public void AddCredential(EmulatorCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _credentials.Add(credential);
    }

    /// <summary>Removes a credential; its key id becomes unknown (InvalidAccessKeyId).</summary>
    public bool RemoveCredential(string accessKeyId) => _credentials.Remove(accessKeyId);

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    public static async Task<OssEmulatorServer> StartAsync(OssEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(OssEmulatorServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.WebHost.UseUrls(); // the Listen call below is the only binding
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null; // OSS allows 5 GB per PUT; bodies are streamed to files
            k.Listen(options.ListenAddress, options.Port);
        });
        var app = builder.Build();
        var store = new OssObjectStore(options.Buckets, options.DataDirectory, options.MaxInMemoryBodySize);
        var server = new OssEmulatorServer(app, options, store);
        var handler = new OssRequestHandler(options, store, server.Faults, new Authenticator(options, server._credentials), server.Record, () => server.Endpoint);
        app.Run(ctx => ctx.Request.Path.StartsWithSegments(AdminPrefix, StringComparison.Ordinal)
            ? server.HandleAdminAsync(ctx)
            : handler.HandleAsync(ctx));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            store.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        server.Port = uri.Port;
        var host = options.ListenAddress.Equals(IPAddress.Any) ? "127.0.0.1"
            : options.ListenAddress.Equals(IPAddress.IPv6Any) ? "[::1]"
            : options.ListenAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{options.ListenAddress}]"
            : options.ListenAddress.ToString();
        server.Endpoint = $"http://{host}:{server.Port}";
        return server;
    }

    private void Record(OssRequestRecord record)
    {
        _requests.Enqueue(record);
        _options.Log?.Invoke(record.ToString());
    }

    private async Task HandleAdminAsync(HttpContext ctx)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        if (!_options.EnableAdminApi)
        {
            ctx.Response.StatusCode = 404;
            return;
        }

        var path = ctx.Request.Path.Value!.TrimEnd('/');
        var method = ctx.Request.Method;
        switch (path)
        {
            case AdminPrefix + "/health" when method is "GET" or "HEAD":
                await WriteJsonAsync(ctx, 200, new HealthResponse { Region = Region, Buckets = [.. Objects.Buckets], Objects = Objects.Count },
                    EmulatorJsonContext.Default.HealthResponse).ConfigureAwait(false);
                return;
            case AdminPrefix + "/faults" when method == "GET":
                await WriteJsonAsync(ctx, 200, Faults.Pending.ToList(), EmulatorJsonContext.Default.ListOssFault).ConfigureAwait(false);
                return;
            case AdminPrefix + "/faults" when method == "DELETE":
                Faults.Clear();
                ctx.Response.StatusCode = 204;
                return;
            case AdminPrefix + "/faults" when method == "POST":
            {
                List<OssFault> added;
                try
                {
                    using var ms = new MemoryStream();
                    await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
                    ReadOnlySpan<byte> json = ms.ToArray().AsSpan().TrimStart(" \t\r\n"u8);
                    added = json.Length > 0 && json[0] == (byte)'['
                        ? JsonSerializer.Deserialize(json, EmulatorJsonContext.Default.ListOssFault) ?? []
                        : [JsonSerializer.Deserialize(json, EmulatorJsonContext.Default.OssFault) ?? throw new JsonException("null fault")];
                    foreach (var f in added) Faults.Add(f);
                }
                catch (Exception ex) when (ex is JsonException or ArgumentException)
                {
                    ctx.Response.StatusCode = 400;
                    ctx.Response.ContentType = "text/plain";
                    await ctx.Response.WriteAsync("Invalid fault: " + ex.Message, ctx.RequestAborted).ConfigureAwait(false);
                    return;
                }

                await WriteJsonAsync(ctx, 201, added, EmulatorJsonContext.Default.ListOssFault).ConfigureAwait(false);
                return;
            }

            case AdminPrefix + "/requests" when method == "GET":
                await WriteJsonAsync(ctx, 200, Requests.ToList(), EmulatorJsonContext.Default.ListOssRequestRecord).ConfigureAwait(false);
                return;
            case AdminPrefix + "/requests" when method == "DELETE":
                ClearRequests();
                ctx.Response.StatusCode = 204;
                return;
            default:
                ctx.Response.StatusCode = 404;
                return;
        }
    }

    private static async Task WriteJsonAsync<T>(HttpContext ctx, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, value, typeInfo, ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Stops listening and releases temp files (a data directory is kept).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            Objects.Dispose();
        }
    }

    public override string ToString() => $"OssEmulatorServer({Endpoint}, {Region})";
}
