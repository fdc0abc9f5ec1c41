namespace FunctionCompute.OssEmulator.Storage;

/// <summary>A piece of an object's bytes: either in memory or a whole file. Multipart objects are their parts' segments in order, so completing an upload copies nothing.</summary>
internal sealed class Segment
{
    public Segment(byte[] data)
    {
        Data = data;
        Length = data.Length;
    }

    public Segment(string path, long length)
    {
        Path = path;
        Length = length;
    }

    public byte[]? Data { get; }

    public string? Path { get; }

    public long Length { get; }

    public Stream Open() => Data is not null
        ? new MemoryStream(Data, writable: false)
        : new FileStream(Path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
}

/// <summary>Reads a byte range across segments, opening each file only when reached.</summary>
internal sealed class SegmentReadStream : Stream
{
    private readonly IReadOnlyList<Segment> _segments;
    private long _remaining;
    private int _index;
    private long _skip;
    private Stream? _current;
    private long _position;

    public SegmentReadStream(IReadOnlyList<Segment> segments, long offset, long length)
    {
        _segments = segments;
        _remaining = length;
        _skip = offset;
        while (_index < segments.Count && _skip >= segments[_index].Length)
        {
            _skip -= segments[_index].Length;
            _index++;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_remaining > 0 && buffer.Length > 0)
        {
            if (_current is null)
            {
                if (_index >= _segments.Count) return 0;
                _current = _segments[_index].Open();
                if (_skip > 0)
                {
                    _current.Seek(_skip, SeekOrigin.Begin);
                    _skip = 0;
                }
            }

            var n = await _current.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
                _index++;
                continue;
            }

            _remaining -= n;
            _position += n;
            return n;
        }

        return 0;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        base.Dispose(disposing);
    }
}
