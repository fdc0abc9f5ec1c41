using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionCompute.StandIns;

/// <summary>
/// A TCP listener on 127.0.0.1 that counts the connections made to it: the witness that a refused endpoint sent nothing.
/// Each accepted connection is counted first, then answered with a canned HTTP 200 (<see cref="Body"/>) and closed, so a
/// client that should not have come here finishes fast (TLS clients fail their handshake) instead of waiting for a timeout.
/// </summary>
public sealed class CountingListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _accepted;

    private CountingListener(string body)
    {
        Body = body;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a listener on a free port.</summary>
    public static CountingListener Start(string body = "internal-only-data-from-a-local-service") => new(body);

    public int Port { get; }

    /// <summary>What the canned answer carries (an SSRF test asserts it never comes back).</summary>
    public string Body { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string HttpEndpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Connections accepted, plus one waiting in the backlog if any (counted before anything is answered).</summary>
    public int Connections => Volatile.Read(ref _accepted) + (_listener.Server.IsBound && _listener.Pending() ? 1 : 0);

    private async Task AcceptAsync()
    {
        var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(Body)}\r\nConnection: close\r\n\r\n")
            .Concat(Encoding.UTF8.GetBytes(Body)).ToArray();
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            using (socket)
            {
                try
                {
                    await socket.SendAsync(answer, SocketFlags.None, _stopping.Token);
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }
}
