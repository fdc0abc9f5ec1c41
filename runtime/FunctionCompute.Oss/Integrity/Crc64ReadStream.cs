namespace FunctionCompute.Oss.Integrity;

/// <summary>
/// A read-only pass-through stream that computes the CRC-64 of what is read. When an expected CRC is given,
/// reaching the end of the inner stream with a different CRC throws <see cref="OssIntegrityException"/>, so a
/// corrupted download can never be consumed silently.
/// </summary>
public sealed class Crc64ReadStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly ulong? _expected;
    private readonly string? _requestId;
    private bool _verified;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="expectedCrc"/> enables verification at end of stream.</summary>
    public Crc64ReadStream(Stream inner, ulong? expectedCrc = null, bool leaveOpen = false, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanRead) throw new ArgumentException("The stream must be readable.", nameof(inner));
        _inner = inner;
        _expected = expectedCrc;
        _leaveOpen = leaveOpen;
        _requestId = requestId;
    }

    /// <summary>The CRC of the bytes read so far.</summary>
    public ulong Crc64 { get; private set; }

    /// <summary>The number of bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _inner.Length;

    /// <inheritdoc />
    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        return Account(buffer[..n], buffer.Length);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n], buffer.Length);
    }

    private int Account(ReadOnlySpan<byte> data, int requested)
    {
        if (data.Length > 0)
        {
            Crc64 = Crc64Ecma.Compute(data, Crc64);
            BytesRead += data.Length;
        }
        else if (requested > 0)
        {
            Verify();
        }

        return data.Length;
    }

    private void Verify()
    {
        if (_verified || _expected is not ulong expected) return;
        _verified = true;
        if (expected != Crc64)
        {
            throw new OssIntegrityException(expected, Crc64, _requestId);
        }
    }

    /// <inheritdoc />
    public override void Flush() { }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen) await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
