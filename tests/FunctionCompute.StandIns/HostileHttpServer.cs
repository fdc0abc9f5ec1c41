using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionCompute.StandIns;

/// <summary>The request line and headers of one request a <see cref="HostileHttpServer"/> received.</summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers);

/// <summary>How the body of an answer ended: the bytes the server managed to hand to the socket, and whether the client closed first.</summary>
public sealed record BodyOutcome(long BytesWritten, bool ClientClosed);

/// <summary>
/// A bare HTTP/1.1 server on 127.0.0.1 (a TcpListener: no framework buffering between the test and the socket) for
/// answers a real service never gives: endless bodies, redirects, trickles. It counts the body bytes it managed to
/// write before the client closed the connection. One request per connection (every answer says
/// <c>Connection: close</c>). The send buffer is kept small so that "written" means "on its way to the client".
/// </summary>
public sealed class HostileHttpServer : IAsyncDisposable
{
    /// <summary>The server's socket send buffer, so bytes counted as written are at most this far ahead of the client.</summary>
    public const int SendBufferBytes = 16 * 1024;

    private readonly TcpListener _listener;
    private readonly Func<RawRequest, HostileResponse, Task> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connectionTasks = [];
    private readonly Task _accepting;
    private int _connections;

    private HostileHttpServer(Func<RawRequest, HostileResponse, Task> respond)
    {
        _respond = respond;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a server that answers each request with <paramref name="respond"/>.</summary>
    public static HostileHttpServer Start(Func<RawRequest, HostileResponse, Task> respond) => new(respond);

    public Uri BaseAddress { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public ConcurrentQueue<RawRequest> Requests { get; } = new();

    /// <summary>Completed with the outcome of the first body written with <see cref="HostileResponse.WriteBodyAsync"/>.</summary>
    public TaskCompletionSource<BodyOutcome> FirstBody { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed once a body has written this many bytes (for tests that act mid-body).</summary>
    public long SignalAfterBodyBytes { get; set; } = long.MaxValue;

    public TaskCompletionSource BodyBytesReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _connectionTasks.Add(Task.Run(() => ServeAsync(socket)));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        socket.SendBufferSize = SendBufferBytes;
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var request = await ReadRequestAsync(stream, _stop.Token);
            if (request is null) return;
            Requests.Enqueue(request);
            await _respond(request, new HostileResponse(this, stream, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping.
        }
    }

    // Request line and headers (at most 64 KiB), then the body if it has a Content-Length (read and dropped).
    private static async Task<RawRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) return null;
            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r') break;
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        if (headers.TryGetValue("Content-Length", out var length) && long.TryParse(length, CultureInfo.InvariantCulture, out var remaining))
        {
            var buffer = new byte[8192];
            while (remaining > 0)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (n == 0) break;
                remaining -= n;
            }
        }

        return new RawRequest(requestLine[0], requestLine.Length > 1 ? requestLine[1] : "", headers);
    }

    internal void Report(BodyOutcome outcome) => FirstBody.TrySetResult(outcome);

    internal void Progress(long written)
    {
        if (written >= SignalAfterBodyBytes) BodyBytesReached.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connectionTasks);
        _stop.Dispose();
    }
}

/// <summary>Writes one answer of a <see cref="HostileHttpServer"/>.</summary>
public sealed class HostileResponse
{
    private readonly HostileHttpServer _server;
    private readonly NetworkStream _stream;
    private readonly CancellationToken _stopping;

    internal HostileResponse(HostileHttpServer server, NetworkStream stream, CancellationToken stopping)
    {
        _server = server;
        _stream = stream;
        _stopping = stopping;
    }

    /// <summary>Status line and headers (plus <c>Connection: close</c>), nothing else.</summary>
    public async Task WriteHeadAsync(int status, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} Status{status}\r\n");
        foreach (var (name, value) in headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        head.Append("Connection: close\r\n\r\n");
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stopping);
    }

    /// <summary>A complete small answer with a Content-Length.</summary>
    public async Task WriteAsync(int status, string body, params (string Name, string Value)[] headers)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await WriteHeadAsync(status, [.. headers, ("Content-Length", bytes.Length.ToString(CultureInfo.InvariantCulture))]);
        await _stream.WriteAsync(bytes, _stopping);
    }

    /// <summary>
    /// Writes <paramref name="pieces"/> (generated lazily: they can be endless) after the head, chunked unless
    /// <paramref name="contentLength"/> is given, pausing <paramref name="pause"/> between pieces, until they end or
    /// a write fails because the client closed the connection. Reports the outcome to the server's
    /// <see cref="HostileHttpServer.FirstBody"/>.
    /// </summary>
    public async Task<BodyOutcome> WriteBodyAsync(int status, IEnumerable<ReadOnlyMemory<byte>> pieces, long? contentLength = null,
        TimeSpan pause = default, params (string Name, string Value)[] headers)
    {
        var chunked = contentLength is null;
        await WriteHeadAsync(status, [.. headers, chunked ? ("Transfer-Encoding", "chunked") : ("Content-Length", contentLength!.Value.ToString(CultureInfo.InvariantCulture))]);
        long written = 0;
        BodyOutcome outcome;
        try
        {
            foreach (var piece in pieces)
            {
                if (chunked) await _stream.WriteAsync(Encoding.ASCII.GetBytes(piece.Length.ToString("X", CultureInfo.InvariantCulture) + "\r\n"), _stopping);
                await _stream.WriteAsync(piece, _stopping);
                if (chunked) await _stream.WriteAsync("\r\n"u8.ToArray(), _stopping);
                written += piece.Length;
                _server.Progress(written);
                if (pause > TimeSpan.Zero) await Task.Delay(pause, _stopping);
            }

            if (chunked) await _stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _stopping);
            outcome = new BodyOutcome(written, ClientClosed: false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            outcome = new BodyOutcome(written, ClientClosed: true);
        }

        _server.Report(outcome);
        return outcome;
    }

    /// <summary><paramref name="prefix"/>, then <paramref name="repeated"/> until <paramref name="totalBytes"/> (about) have been produced; nothing is allocated up front.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Repeat(string prefix, string repeated, long totalBytes)
    {
        var first = Encoding.UTF8.GetBytes(prefix);
        var piece = Encoding.UTF8.GetBytes(repeated);
        yield return first;
        for (long produced = first.Length; produced < totalBytes; produced += piece.Length)
        {
            yield return piece;
        }
    }
}
