using System.Net;
using System.Net.Sockets;
using System.Text;
using static Reliability.Tests.Invocation;

namespace Reliability.Tests;

/// <summary>
/// Requests no well-behaved FC front end sends: each gets an HTTP error from the server (never a crash, never
/// a handler call with half an event), and the process serves the next caller.
/// </summary>
[Trait("Category", "Reliability")]
public class MalformedRequestTests
{
    /// <summary>Sends raw bytes and returns the status line of the answer ("" when the server just closed).</summary>
    private static async Task<string> SendRawAsync(int port, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.SendAsync(request);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var answer = new List<byte>();
        var buffer = new byte[4096];
        while (!answer.Contains((byte)'\n'))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            if (read == 0) break;
            answer.AddRange(buffer.AsSpan(0, read));
        }
        return Encoding.ASCII.GetString(answer.ToArray()).Split("\r\n")[0];
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private const string InvokeHead = "POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-control-path: /invoke\r\nx-fc-function-handler: count\r\nx-fc-request-id: raw\r\n";

    public static TheoryData<string, byte[], string> Cases => new()
    {
        { "garbage request line", Ascii("G@T /invoke HTTP/1.1\r\nHost: x\r\n\r\n"), "400" },
        { "unknown HTTP version", Ascii("POST /invoke HTTP/7.0\r\nHost: x\r\n\r\n"), "505" },
        { "negative content-length", Ascii(InvokeHead + "Content-Length: -5\r\n\r\nhello"), "400" },
        { "header block over the limit", Ascii(InvokeHead + "x-padding: " + new string('a', 64 * 1024) + "\r\n\r\n"), "431" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_request_gets_an_http_error_and_the_process_serves_on(string what, byte[] request, string status)
    {
        await using var function = await FaultApp.StartAsync();

        var statusLine = await SendRawAsync(function.Port, request);

        Assert.True(statusLine.StartsWith("HTTP/1.1 " + status, StringComparison.Ordinal), $"{what}: '{statusLine}'");
        Assert.DoesNotContain("FC Invoke Start RequestId: raw", function.Output);
        await AssertStillServes(function.Client, "after-malformed");
    }

    [Fact]
    public async Task A_declared_body_over_32_mb_awaiting_100_continue_is_refused_at_once_not_invited()
    {
        await using var function = await FaultApp.StartAsync();

        var statusLine = await SendRawAsync(function.Port, Ascii(InvokeHead + "Expect: 100-continue\r\nContent-Length: 40000000\r\n\r\n"));

        // The first answer is the contract's error, not "HTTP/1.1 100 Continue" asking for the 40 MB.
        Assert.StartsWith("HTTP/1.1 404", statusLine);
        await AssertStillServes(function.Client, "after-declared-oversize");
    }

    [Fact]
    public async Task A_body_with_broken_chunk_framing_is_an_invalid_event_error_not_a_function_error()
    {
        await using var function = await FaultApp.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, function.Port);
        await socket.SendAsync(Ascii(InvokeHead + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"));
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var answer = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(limit.Token); // the server closes after a broken body

        Assert.StartsWith("HTTP/1.1 404", answer);
        Assert.Contains("x-fc-status: 404", answer);
        Assert.Contains("\"errorType\":\"InvalidEventException\"", answer);
        Assert.Contains("Bad chunk size", answer);
        Assert.Contains("\"stackTrace\":[]", answer); // the caller's mistake: no Kestrel frames dressed up as the function's
        await AssertStillServes(function.Client, "after-bad-chunks");
    }

    [Fact]
    public async Task Events_over_32_mb_sent_chunked_are_refused_while_they_arrive_and_leave_no_memory_behind()
    {
        await using var function = await FaultApp.StartAsync();

        // No Content-Length: the limit has to hold while the bytes arrive, not on a declared size.
        async Task RefuseOneAsync(int i)
        {
            HttpResponseMessage response;
            try
            {
                response = await function.Client.SendAsync(Invoke("count", new StreamContent(new PatternStream(40L * 1024 * 1024)), $"oversized-{i}"));
            }
            catch (HttpRequestException)
            {
                // The runtime answers at 32 MB and closes the connection without reading the rest: a client still
                // uploading may meet the reset before it reads the answer (Runtime.Tests' BodyLimitTests reads it raw).
                return;
            }
            using (response)
            {
                var (type, message) = await ErrorOf(response);
                Assert.Equal("EventTooLargeException", type);
                Assert.Contains("32 MB", message);
            }
        }

        await RefuseOneAsync(0);
        var afterFirst = function.ResidentBytes();
        for (var i = 1; i <= 4; i++) await RefuseOneAsync(i);
        await AssertStillServes(function.Client, "after-oversized");
        // Up to the limit is buffered (a 32 MB event is legal) and the GC gives it back on its own schedule, so RSS
        // moves by tens of MiB; four kept events would add at least 4 x 32 MiB.
        var growth = function.ResidentBytes() - afterFirst;
        Assert.True(growth < 64L * 1024 * 1024, $"RSS grew by {growth / 1048576} MiB over four more refused events");
    }

    /// <summary>A non-seekable stream of <paramref name="length"/> bytes, so HttpClient sends it chunked.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
