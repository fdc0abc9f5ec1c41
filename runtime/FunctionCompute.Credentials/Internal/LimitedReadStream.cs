namespace FunctionCompute.Credentials.Internal;

/// <summary>
/// A read-only view of a response body that stops at a byte limit: a read that would go past it throws the
/// exception the owner supplies, so an oversized or endless body costs at most the limit (plus one read),
/// never its whole length. Every read also observes the token given at creation, because some readers
/// (XmlReader, StreamReader without a token) pass none: work for a cancelled call stops at the next read.
/// Shared with FunctionCompute.Oss (InternalsVisibleTo).
/// </summary>
internal sealed class LimitedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private readonly Func<Exception> _exceeded;
    private readonly CancellationToken _cancellationToken;
    private long _read;

    /// <param name="inner">The body; disposed with this stream.</param>
    /// <param name="limit">Bytes that may be read; reading byte <paramref name="limit"/> + 1 throws.</param>
    /// <param name="exceeded">Makes the exception thrown when the body is longer than <paramref name="limit"/>.</param>
    /// <param name="cancellationToken">Observed by every read, whatever token the reader passes.</param>
    public LimitedReadStream(Stream inner, long limit, Func<Exception> exceeded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _inner = inner;
        _limit = limit;
        _exceeded = exceeded;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        return Count(_inner.Read(buffer[..Window(buffer.Length)]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var token = cancellationToken.CanBeCanceled ? cancellationToken : _cancellationToken;
        return Count(await _inner.ReadAsync(buffer[..Window(buffer.Length)], token).ConfigureAwait(false));
    }

    // One byte past the limit is asked for, so a body of exactly the limit passes and a longer one is caught
    // without reading more than that byte.
    private int Window(int requested) => (int)Math.Min(requested, _limit - _read + 1);

    private int Count(int n)
    {
        _read += n;
        if (_read > _limit) throw _exceeded();
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();
}
