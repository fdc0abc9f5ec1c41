using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Invocation;

namespace FunctionCompute.Testing;

/// <summary>
/// A call the test kit hands to the runtime's own pipeline: the event is a byte array, the answer is kept in memory. Only
/// the transport differs from Kestrel's; opening, running, timeouts, error JSON and masking are the runtime's.
/// </summary>
internal sealed class FcMemoryCall : FcCall
{
    private readonly ReadOnlyMemory<byte> _input;
    private readonly FcContextBuilder _context;

    /// <summary>A call of <paramref name="kind"/> with the context <paramref name="context"/> builds when the runtime opens it.</summary>
    public FcMemoryCall(CallKind kind, ReadOnlyMemory<byte> input, FcContextBuilder context, CallServices services)
        : base(kind, context.Cancellation, services)
    {
        _input = input;
        _context = context;
    }

    /// <summary>200 on success, 404 on a function error (what FC reads from <c>x-fc-status</c>).</summary>
    public int Status { get; private set; }

    public byte[] Body { get; private set; } = [];

    public string? ContentType { get; private set; }

    /// <summary>Whether the runtime asked for the connection to be closed after the answer.</summary>
    public bool CloseConnection { get; private set; }

    protected override ParsedContext ReadContext(CancellationToken token) => new(_context.Build(token, Services.FunctionLogger), []);

    public override long? DeclaredLength => _input.Length;

    public override async ValueTask<PooledEventStream> ReadEventAsync(long limit, CancellationToken token)
    {
        // The runtime's own buffer, filled from the bytes as Kestrel's request body would fill it.
        using var source = new MemoryStream(_input.ToArray(), writable: false);
        return await PooledEventStream.ReadFromAsync(source, _input.Length, limit, token);
    }

    public override ValueTask<bool> SkipInputAsync() => ValueTask.FromResult(false);

    protected override async Task WriteResultAsync(EventResult result, bool closeConnection, CancellationToken token)
    {
        byte[] body;
        if (result.Stream is { } stream)
        {
            await using (stream)
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, token);
                body = copy.ToArray();
            }
        }
        else
        {
            body = result.Bytes.ToArray();
        }
        (Status, Body, ContentType, CloseConnection) = (200, body, result.ContentType, closeConnection);
    }

    protected override Task WriteErrorBodyAsync(int status, byte[] body, bool closeConnection)
    {
        (Status, Body, ContentType, CloseConnection) = (ErrorAnswer.NotFound, body, EventResult.Json, closeConnection);
        return Task.CompletedTask;
    }
}
