using System.Net;

namespace FunctionCompute.Oss.Http;

/// <summary>
/// The process-wide HTTP client every <see cref="OssClient"/> shares unless one is injected: one connection
/// pool per process, so many clients (one per invocation's credentials) cost no extra sockets.
/// </summary>
public static class OssHttp
{
    private static readonly Lazy<HttpClient> Shared = new(Create);

    /// <summary>The shared client.</summary>
    public static HttpClient SharedClient => Shared.Value;

    /// <summary>
    /// Creates a handler with OSS-friendly settings: no automatic decompression (the body must stay
    /// byte-identical for CRC checks), bounded connection lifetime (DNS changes), no proxy surprises.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        MaxConnectionsPerServer = 256,
        AllowAutoRedirect = false,
        UseCookies = false,
    };

    // Per-attempt timeouts are applied by the client; an overall HttpClient timeout would cut off long
    // downloads that the caller is still reading.
    private static HttpClient Create() => new(CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
}
