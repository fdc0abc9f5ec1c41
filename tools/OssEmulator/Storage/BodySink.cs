using System.Security.Cryptography;
using FunctionCompute.Oss.Integrity;

namespace FunctionCompute.OssEmulator.Storage;

/// <summary>
/// Receives a request body chunk by chunk, computing MD5 and CRC-64 on the way. Small bodies stay in memory;
/// past the limit the bytes go to a file, so a large upload is never held in memory.
/// </summary>
internal sealed class BodySink : IDisposable
{
    private readonly long _memoryLimit;
    private readonly string _directory;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private MemoryStream? _memory;
    private FileStream? _file;
    private string? _path;
    private bool _kept;

    /// <param name="expectedLength">The Content-Length when known: a body known to exceed the limit goes straight to a file,
    /// and a small one gets a buffer of the right size (no growth copies).</param>
    public BodySink(string directory, long memoryLimit, long? expectedLength)
    {
        _directory = directory;
        _memoryLimit = memoryLimit;
        if (expectedLength is not long len || len <= memoryLimit)
        {
            _memory = new MemoryStream((int)Math.Min(Math.Min(expectedLength ?? 0, memoryLimit), Array.MaxLength));
        }
    }

    public long Length { get; private set; }

    public ulong Crc64 { get; private set; }

    public async Task CopyFromAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        _md5.AppendData(chunk.Span);
        Crc64 = Crc64Ecma.Compute(chunk.Span, Crc64);
        Length += chunk.Length;
        if (_memory is not null && _memory.Length + chunk.Length <= _memoryLimit)
        {
            _memory.Write(chunk.Span);
            return;
        }

        if (_file is null)
        {
            Directory.CreateDirectory(_directory);
            _path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
            _file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            if (_memory is { Length: > 0 })
            {
                await _file.WriteAsync(_memory.GetBuffer().AsMemory(0, (int)_memory.Length), cancellationToken).ConfigureAwait(false);
            }

            _memory = null;
        }

        await _file.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    public byte[] Md5() => _md5.GetHashAndReset();

    /// <summary>Finishes writing and hands the bytes over as a segment (the sink no longer deletes them).</summary>
    public async Task<Segment> CompleteAsync()
    {
        _kept = true;
        if (_file is not null)
        {
            await _file.FlushAsync().ConfigureAwait(false);
            await _file.DisposeAsync().ConfigureAwait(false);
            _file = null;
            return new Segment(_path!, Length);
        }

        if (_memory is null) return new Segment([]);
        return new Segment(_memory.Length == _memory.Capacity ? _memory.GetBuffer() : _memory.ToArray());
    }

    public void Dispose()
    {
        _md5.Dispose();
        _file?.Dispose();
        if (!_kept && _path is not null)
        {
            try { File.Delete(_path); } catch (IOException) { }
        }
    }
}
