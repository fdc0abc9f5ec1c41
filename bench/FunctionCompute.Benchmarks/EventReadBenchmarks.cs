using System.Buffers;
using BenchmarkDotNet.Attributes;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Invocation;

namespace FunctionCompute.Benchmarks;

/// <summary>
/// Reading an event the way the invoker does and handing it on as the echo handler does (copied to the answer),
/// then letting it go: the pooled segments the runtime reads into now, against the MemoryStream sized from the
/// declared Content-Length that it used before (the baseline, kept here as it was).
/// </summary>
[MemoryDiagnoser]
public class EventReadBenchmarks
{
    private const long Limit = 32L * 1024 * 1024;
    private byte[] _event = [];

    [Params(1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _event = new byte[Size];
        new Random(1).NextBytes(_event);
    }

    [Benchmark(Baseline = true, Description = "MemoryStream sized from Content-Length (before)")]
    public async Task<long> MemoryStreamFromContentLength()
    {
        var body = new MemoryStream(_event, writable: false);
        var buffer = new MemoryStream(Size);
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk)) > 0)
            {
                if (buffer.Length + read > Limit) throw new InvalidOperationException();
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(Stream.Null);
        return buffer.Length;
    }

    [Benchmark(Description = "pooled segments (now)")]
    public async Task<long> PooledSegments()
    {
        var body = new MemoryStream(_event, writable: false);
        using var input = await PooledEventStream.ReadFromAsync(body, Size, Limit, CancellationToken.None);
        await input.CopyToAsync(Stream.Null);
        return input.Length;
    }
}
