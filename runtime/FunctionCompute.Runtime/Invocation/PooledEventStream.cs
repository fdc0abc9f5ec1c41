using System.Buffers;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// The event as a handler sees it: a read-only stream that can seek and be read any number of times, over segments
/// rented from the shared array pool as the bytes arrive. Sized by what arrived, not by what the caller declared: a
/// buffer of the declared Content-Length, allocated before a byte came, let six callers declaring 32 MB and sending
/// one byte fail a real 16 MB call under a 200 MB heap limit. Segments also spare a chunked event the copies of a
/// growing <see cref="MemoryStream"/>. The runtime disposes the stream when the invocation is over (its answer
/// written and its handler finished), which returns the segments to the pool: a handler that wants the bytes for
/// longer copies them; reading the stream after that throws <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class PooledEventStream : Stream
{
    /// <summary>The largest first segment; a small event with a known length gets one of its own size.</summary>
    private const int FirstSegmentBytes = 64 * 1024;

    /// <summary>Segments double in size up to this, so a 32 MB event takes about 40 of them.</summary>
    private const int LargestSegmentBytes = 1024 * 1024;

    private byte[]? _first;
    private List<byte[]>? _more;
    private int _segmentCount;
    private long _length;
    private long _position;
    private int _disposed;

    private PooledEventStream()
    {
    }

    /// <summary>
    /// Reads <paramref name="body"/> to its end into pooled segments. Never reads more than one byte past
    /// <paramref name="limit"/>: an event that turns out larger is refused with <see cref="EventTooLargeException"/>
    /// and what it filled goes back to the pool.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="declared">The Content-Length, if any: it bounds the segments' sizes, never sizes a buffer up front.</param>
    /// <param name="limit">The largest event accepted, in bytes.</param>
    /// <param name="token">Cancels the read (the invocation's deadline).</param>
    public static async Task<PooledEventStream> ReadFromAsync(Stream body, long? declared, long limit, CancellationToken token)
    {
        var stream = new PooledEventStream();
        // A declared empty body is empty: no segment, no read.
        if (declared == 0) return stream;
        try
        {
            var segment = stream.AddSegment(NextSegmentSize(0, declared, 0));
            var used = 0;
            while (true)
            {
                if (used == segment.Length)
                {
                    segment = stream.AddSegment(NextSegmentSize(segment.Length, declared, stream._length));
                    used = 0;
                }
                // Room for one byte past the limit at most: enough to tell "exactly the limit" from "over it".
                var window = (int)Math.Min(segment.Length - used, limit + 1 - stream._length);
                var read = await body.ReadAsync(segment.AsMemory(used, window), token);
                if (read == 0) return stream;
                used += read;
                stream._length += read;
                if (stream._length > limit) throw new EventTooLargeException(limit);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next segment's size: small events with a known length get just that (plus the byte that lets the last read
    /// see the end without renting another segment); larger ones start at <see cref="FirstSegmentBytes"/> and double.
    /// </summary>
    private static int NextSegmentSize(int previous, long? declared, long filled)
    {
        var size = previous == 0 ? FirstSegmentBytes : Math.Min(previous * 2, LargestSegmentBytes);
        return declared is { } total && total - filled + 1 < size ? (int)(total - filled + 1) : size;
    }

    private byte[] AddSegment(int size)
    {
        var segment = ArrayPool<byte>.Shared.Rent(size);
        if (_segmentCount == 0) _first = segment;
        else (_more ??= []).Add(segment);
        _segmentCount++;
        return segment;
    }

    private byte[] Segment(int index) => index == 0 ? _first! : _more![index - 1];

    public override bool CanRead => _disposed == 0;
    public override bool CanSeek => _disposed == 0;
    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ThrowIfDisposed();
            return _length;
        }
    }

    public override long Position
    {
        get
        {
            ThrowIfDisposed();
            return _position;
        }
        set
        {
            ThrowIfDisposed();
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ThrowIfDisposed();
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException("An attempt was made to move the position before the beginning of the stream.");
        return _position = target;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ThrowIfDisposed();
        var total = 0;
        while (buffer.Length > 0 && TryGetSlice(out var slice))
        {
            var n = Math.Min(slice.Length, buffer.Length);
            slice[..n].CopyTo(buffer);
            buffer = buffer[n..];
            _position += n;
            total += n;
        }
        return total;
    }

    public override int ReadByte()
    {
        ThrowIfDisposed();
        if (!TryGetSlice(out var slice)) return -1;
        _position++;
        return slice[0];
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new ValueTask<int>(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes the segments themselves, without a copy through an intermediate buffer (the echo path).</summary>
    public override void CopyTo(Stream destination, int bufferSize)
    {
        ThrowIfDisposed();
        while (TryGetSegmentMemory(out var memory))
        {
            destination.Write(memory.Span);
            _position += memory.Length;
        }
    }

    /// <inheritdoc cref="CopyTo(Stream, int)"/>
    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        while (TryGetSegmentMemory(out var memory))
        {
            await destination.WriteAsync(memory, cancellationToken);
            _position += memory.Length;
        }
    }

    private bool TryGetSlice(out ReadOnlySpan<byte> slice)
    {
        var found = TryGetSegmentMemory(out var memory);
        slice = memory.Span;
        return found;
    }

    /// <summary>The filled part of the segment that holds the current position, from the position on.</summary>
    private bool TryGetSegmentMemory(out ReadOnlyMemory<byte> memory)
    {
        memory = default;
        if (_position >= _length) return false;
        // Every segment but the last is full, so a position maps to a segment by the segments' lengths.
        long start = 0;
        for (var index = 0; index < _segmentCount; index++)
        {
            var segment = Segment(index);
            var end = Math.Min(start + segment.Length, _length);
            if (_position < end)
            {
                memory = segment.AsMemory((int)(_position - start), (int)(end - _position));
                return true;
            }
            start = end;
        }
        return false;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed != 0, this);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("The event stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The event stream is read-only.");

    /// <summary>Returns the segments to the pool, once: a second return would hand one array to two renters.</summary>
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        for (var index = 0; index < _segmentCount; index++) ArrayPool<byte>.Shared.Return(Segment(index));
        _first = null;
        _more = null;
        _segmentCount = 0;
        base.Dispose(disposing);
    }
}
