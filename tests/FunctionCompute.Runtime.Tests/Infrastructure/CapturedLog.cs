using System.Text;

namespace FunctionCompute.Runtime.Tests.Infrastructure;

/// <summary>A write-only stream standing in for stdout: keeps everything the runtime logged, thread-safely.</summary>
public sealed class CapturedLog : Stream
{
    private readonly MemoryStream _buffer = new();
    private readonly Lock _gate = new();

    public string Text
    {
        get { lock (_gate) return Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length); }
    }

    public IReadOnlyList<string> Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_gate) _buffer.Write(buffer, offset, count);
    }

    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
