using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionCompute.Runtime.Tests.Infrastructure;

/// <summary>
/// An HTTP/1.1 exchange over a raw loopback socket, for what HttpClient hides: the interim <c>100 Continue</c>, and
/// whether the server reads a body it has refused.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;
    private readonly List<byte> _received = [];

    public static async Task<RawHttp> ConnectAsync(Uri address)
    {
        var raw = new RawHttp();
        await raw._client.ConnectAsync(IPAddress.Loopback, address.Port);
        raw._stream = raw._client.GetStream();
        return raw;
    }

    public Task SendAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    /// <summary>Reads one response (head and Content-Length body): the first response the server sends, interim or final.</summary>
    public async Task<(string Head, string Body)> ReadResponseAsync(CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd()) < 0)
        {
            var read = await _stream.ReadAsync(buffer, token);
            if (read == 0) throw new IOException("the server closed before a whole response head: " + Encoding.ASCII.GetString(_received.ToArray()));
            _received.AddRange(buffer.AsSpan(0, read));
        }
        var head = Encoding.ASCII.GetString(_received.GetRange(0, headEnd).ToArray());
        var length = head.Split("\r\n").Select(line => line.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("content-length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim())).FirstOrDefault();
        while (_received.Count < headEnd + 4 + length)
        {
            var read = await _stream.ReadAsync(buffer, token);
            if (read == 0) throw new IOException("the server closed within a response body");
            _received.AddRange(buffer.AsSpan(0, read));
        }
        var body = Encoding.UTF8.GetString(_received.GetRange(headEnd + 4, length).ToArray());
        _received.RemoveRange(0, headEnd + 4 + length);
        return (head, body);
    }

    /// <summary>
    /// Writes up to <paramref name="length"/> body bytes until the connection breaks and returns how many were written.
    /// A server that drains the body takes all of them; one that closed without reading takes at most what the two
    /// sockets' buffers hold before the peer's reset arrives.
    /// </summary>
    /// <param name="chunked">Frame the bytes as 64 KiB chunks (<c>Transfer-Encoding: chunked</c>) and end with the last chunk.</param>
    public async Task<long> SendBodyUntilRefusedAsync(long length, CancellationToken token, bool chunked = false)
    {
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        long sent = 0;
        try
        {
            while (sent < length)
            {
                var n = (int)Math.Min(chunk.Length, length - sent);
                if (chunked) await SendAsync($"{n:x}\r\n");
                await _stream.WriteAsync(chunk.AsMemory(0, n), token);
                if (chunked) await SendAsync("\r\n");
                sent += n;
            }
            if (chunked) await SendAsync("0\r\n\r\n");
        }
        catch (IOException)
        {
        }
        return sent;
    }

    /// <summary>True when the server has closed the connection (end of stream or reset) once what it sent is read.</summary>
    public async Task<bool> ServerClosedAsync(CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, token) > 0) { }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private int IndexOfHeadEnd()
    {
        for (var i = 0; i + 3 < _received.Count; i++)
            if (_received[i] == '\r' && _received[i + 1] == '\n' && _received[i + 2] == '\r' && _received[i + 3] == '\n') return i;
        return -1;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
