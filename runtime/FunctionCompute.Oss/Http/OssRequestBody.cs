using System.Net;
using System.Security.Cryptography;
using FunctionCompute.Oss.Integrity;

namespace FunctionCompute.Oss.Http;

/// <summary>
/// A request body that can produce a fresh <see cref="HttpContent"/> per attempt (HttpContent cannot be sent
/// twice) and reports the CRC-64 of what it actually sent, for comparison with the server's.
/// </summary>
internal abstract class OssRequestBody
{
    /// <summary>True when a retry can send the same bytes again.</summary>
    public abstract bool IsReplayable { get; }

    public abstract long Length { get; }

    /// <summary>Base64 MD5, when the payload is in memory so it can be computed up front.</summary>
    public virtual string? ContentMd5 => null;

    /// <summary>CRC of the bytes sent by the latest attempt, or null when unknown.</summary>
    public abstract ulong? SentCrc64 { get; }

    public abstract HttpContent CreateContent();
}

internal sealed class MemoryRequestBody(ReadOnlyMemory<byte> data) : OssRequestBody
{
    private readonly ulong _crc = Crc64Ecma.Compute(data.Span);
    private readonly string _md5 = Convert.ToBase64String(MD5.HashData(data.Span));

    public override bool IsReplayable => true;

    public override long Length => data.Length;

    public override string? ContentMd5 => _md5;

    public override ulong? SentCrc64 => _crc;

    public override HttpContent CreateContent() => new ReadOnlyMemoryContent(data);
}

/// <summary>Streams <see cref="Length"/> bytes from the caller's stream without buffering it; never disposes it.</summary>
internal sealed class StreamRequestBody : OssRequestBody
{
    private readonly Stream _stream;
    private readonly long _start;
    private CrcStreamContent? _last;

    public StreamRequestBody(Stream stream, long length)
    {
        _stream = stream;
        Length = length;
        _start = stream.CanSeek ? stream.Position : -1;
    }

    public override bool IsReplayable => _stream.CanSeek;

    public override long Length { get; }

    public override ulong? SentCrc64 => _last is { Completed: true } c ? c.Crc64 : null;

    public override HttpContent CreateContent()
    {
        if (_last is not null)
        {
            if (!_stream.CanSeek) throw new InvalidOperationException("A non-seekable stream cannot be sent twice.");
            _stream.Position = _start;
        }

        _last = new CrcStreamContent(_stream, Length, _start);
        return _last;
    }

    private sealed class CrcStreamContent(Stream source, long length, long start) : HttpContent
    {
        private bool _started;

        public ulong Crc64 { get; private set; }

        public bool Completed { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            // SocketsHttpHandler may serialize again after a failure on a pooled connection; rewind if we can.
            if (_started)
            {
                if (!source.CanSeek) throw new InvalidOperationException("A non-seekable stream cannot be sent twice.");
                source.Position = start;
            }

            _started = true;
            Crc64 = 0;
            Completed = false;
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                var remaining = length;
                while (remaining > 0)
                {
                    var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new IOException($"The stream ended {remaining} bytes before the declared length of {length}.");
                    }

                    Crc64 = Crc64Ecma.Compute(buffer.AsSpan(0, n), Crc64);
                    await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    remaining -= n;
                }

                Completed = true;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long len)
        {
            len = length;
            return true;
        }

        // The caller owns the stream.
        protected override void Dispose(bool disposing) => base.Dispose(false);
    }
}
