using System.Security.Cryptography;
using System.Text;
using CsCheck;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Tests.Infrastructure;

namespace FunctionCompute.Runtime.Tests.Invocation;

/// <summary>
/// The event buffer grows as bytes arrive, not from the declared Content-Length: a caller declaring 32 MB and
/// sending one byte no longer makes the instance allocate 32 MB (six such callers failed a real 16 MB call under a
/// 200 MB heap limit). Handlers still get a stream they can seek and read twice.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public class EventBufferTests
{
    [Fact]
    public async Task Callers_declaring_32_MB_and_sending_one_byte_cost_far_less_than_32_MB_each()
    {
        const int callers = 8;
        await using var host = await TestFunctionHost.StartAsync(app => app.MapEvent("echo", (Stream input, IFcContext _) => input));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Warm up the path (pool, JIT, Kestrel's connection objects) so the measurement sees the steady state.
        using (var warm = await host.Client.SendAsync(Fc.Invoke("echo", "warm"))) ErrorBody.AssertSucceeded(warm);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < callers; i++)
        {
            await using var raw = await RawHttp.ConnectAsync(host.Address);
            await raw.SendAsync("POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-control-path: /invoke\r\nx-fc-function-handler: echo\r\n" +
                $"x-fc-request-id: hold-{i}\r\nContent-Length: {FunctionAppOptions.DefaultMaxEventBytes}\r\n\r\nx");
            // The caller goes away without the rest: the invocation ends (and logs its End line) once the read fails.
        }
        for (var i = 0; i < callers; i++) await host.WaitForLogLineAsync($"FC Invoke End RequestId: hold-{i}");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(allocated < callers * 1024L * 1024, $"{callers} callers declaring 32 MB cost {allocated / 1024} KiB in all");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(64 * 1024 - 1)]
    [InlineData(64 * 1024)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task The_handler_gets_a_seekable_stream_it_can_read_twice_with_the_right_length(int size)
    {
        await using var host = await TestFunctionHost.StartAsync(app => app.MapEvent("twice", async (Stream input, IFcContext _) =>
        {
            var first = new MemoryStream();
            await input.CopyToAsync(first);
            input.Position = 0;
            var second = new MemoryStream();
            var buffer = new byte[7919]; // an odd size, so reads straddle the segments
            int read;
            while ((read = await input.ReadAsync(buffer)) > 0) second.Write(buffer, 0, read);
            input.Seek(-Math.Min(5, input.Length), SeekOrigin.End);
            var tail = new byte[5];
            var tailLength = input.Read(tail);
            var summary = $"{input.CanSeek}|{input.CanRead}|{input.Length}|{first.Length}|{Convert.ToHexString(SHA256.HashData(first.ToArray()))}|" +
                $"{first.ToArray().AsSpan().SequenceEqual(second.ToArray())}|{Convert.ToHexString(tail, 0, tailLength)}";
            return (Stream)new MemoryStream(Encoding.UTF8.GetBytes(summary));
        }));
        var payload = RandomNumberGenerator.GetBytes(size);

        using var response = await host.Client.SendAsync(Fc.Invoke("twice", new ByteArrayContent(payload)));

        ErrorBody.AssertSucceeded(response);
        var tailBytes = payload.AsSpan(Math.Max(0, size - 5)).ToArray();
        Assert.Equal($"True|True|{size}|{size}|{Convert.ToHexString(SHA256.HashData(payload))}|True|{Convert.ToHexString(tailBytes)}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_handler_that_outlives_its_timeout_can_still_read_its_event_until_it_returns()
    {
        var readLate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterward = new TaskCompletionSource<Stream>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestFunctionHost.StartAsync(app => app.MapEvent("slow", async (Stream input, IFcContext _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // ignores its 1 s timeout
            readLate.SetResult(await new StreamReader(input).ReadToEndAsync());
            afterward.SetResult(input);
            return Stream.Null;
        }));

        using var response = await host.Client.SendAsync(Fc.Invoke("slow", "still here", headers: new Dictionary<string, string> { ["x-fc-function-timeout"] = "1" }));

        Assert.Equal(nameof(FunctionTimeoutException), (await ErrorBody.AssertFailedAsync(response)).ErrorType);
        // The timeout answer went out while the handler ran on: its segments stayed its own until it finished.
        Assert.Equal("still here", await readLate.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var input = await afterward.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Once it has finished they go back to the pool: a leaked reference cannot read another event's bytes.
        for (var i = 0; i < 200 && input.CanRead; i++) await Task.Delay(10);
        Assert.Throws<ObjectDisposedException>(() => input.ReadByte());
    }

    /// <summary>A request body as the network delivers it: in pieces of arbitrary size.</summary>
    private sealed class PiecewiseBody(byte[] bytes, int[] pieces) : MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true)
    {
        private int _piece;
        public long Delivered => Position;
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(Math.Min(buffer.Length, pieces[_piece++ % pieces.Length]), Length - Position);
            GetBuffer().AsSpan((int)Position, n).CopyTo(buffer);
            Position += n;
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));
    }

    [Fact]
    [Trait("Category", "Property")]
    public void The_pooled_event_stream_reads_like_a_memory_stream_over_the_same_bytes()
    {
        var size = Gen.Frequency((3, Gen.Int[0, 2048]), (2, Gen.Int[60 * 1024, 70 * 1024]), (1, Gen.Int[0, 3 * 1024 * 1024]));
        // Seek targets and read sizes, applied to both streams in turn.
        var operations = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 200_000]).Array[1, 12];
        Gen.Select(size, Gen.Bool, Gen.Int[1, 100_000].Array[1, 5], operations).Sample((length, declare, pieces, ops) =>
        {
            var data = new byte[length];
            new Random(length).NextBytes(data);
            using var pooled = PooledEventStream.ReadFromAsync(new PiecewiseBody(data, pieces), declare ? length : null, 4 * 1024 * 1024, default).GetAwaiter().GetResult();
            var reference = new MemoryStream(data, writable: false);
            Assert.Equal(reference.Length, pooled.Length);
            foreach (var (kind, amount) in ops)
            {
                switch (kind)
                {
                    case 0:
                        var target = length == 0 ? 0 : amount % (length + 10);
                        pooled.Position = reference.Position = target;
                        break;
                    case 1:
                        var (a, b) = (new byte[amount % 70_000], new byte[amount % 70_000]);
                        Assert.Equal(reference.Read(a), pooled.Read(b));
                        Assert.Equal(a, b);
                        break;
                    case 2:
                        Assert.Equal(reference.ReadByte(), pooled.ReadByte());
                        break;
                    default:
                        var (ca, cb) = (new MemoryStream(), new MemoryStream());
                        reference.CopyTo(ca);
                        pooled.CopyToAsync(cb).GetAwaiter().GetResult();
                        Assert.Equal(ca.ToArray(), cb.ToArray());
                        break;
                }
                Assert.Equal(reference.Position, pooled.Position);
            }
        }, iter: 300);
    }

    [Theory]
    [InlineData(1000, 1000, true)]
    [InlineData(1001, 1000, false)]
    [InlineData(5_000_000, 1000, false)]
    public async Task The_reader_refuses_an_event_over_the_limit_after_reading_one_byte_past_it_at_most(int length, int limit, bool accepted)
    {
        var body = new PiecewiseBody(new byte[length], [333, 70_000]);

        if (accepted)
        {
            using var stream = await PooledEventStream.ReadFromAsync(body, null, limit, default);
            Assert.Equal(length, stream.Length);
        }
        else
        {
            await Assert.ThrowsAsync<EventTooLargeException>(() => PooledEventStream.ReadFromAsync(body, null, limit, default));
            Assert.Equal(limit + 1, body.Delivered);
        }
    }
}
