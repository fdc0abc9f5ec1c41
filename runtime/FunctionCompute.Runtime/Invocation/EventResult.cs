namespace FunctionCompute.Runtime;

/// <summary>What an event handler returns: the bytes of the invocation's result and their content type.</summary>
public readonly struct EventResult
{
    private EventResult(Stream? stream, ReadOnlyMemory<byte> bytes, string contentType)
    {
        Stream = stream;
        Bytes = bytes;
        ContentType = contentType;
    }

    /// <summary>The result as a stream (written to the response, then disposed), or null when <see cref="Bytes"/> holds it.</summary>
    public Stream? Stream { get; }

    /// <summary>The result as bytes, when <see cref="Stream"/> is null.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The response's content type.</summary>
    public string ContentType { get; }

    /// <summary>An empty result.</summary>
    public static EventResult Empty => new(null, ReadOnlyMemory<byte>.Empty, OctetStream);

    /// <summary>A result streamed from <paramref name="stream"/> (disposed once written).</summary>
    public static EventResult FromStream(Stream stream, string contentType = OctetStream) =>
        new(stream ?? throw new ArgumentNullException(nameof(stream)), default, contentType);

    /// <summary>A result of the given bytes.</summary>
    public static EventResult FromBytes(ReadOnlyMemory<byte> bytes, string contentType = OctetStream) => new(null, bytes, contentType);

    /// <summary>A UTF-8 text result.</summary>
    public static EventResult FromText(string text, string contentType = "text/plain; charset=utf-8") =>
        new(null, System.Text.Encoding.UTF8.GetBytes(text), contentType);

    internal const string OctetStream = "application/octet-stream";
    internal const string Json = "application/json; charset=utf-8";
}

/// <summary>
/// The one shape every event handler is adapted to: the event bytes and the context in, a result out.
/// The <c>MapEvent</c> overloads build it from raw, typed, sync and async delegates.
/// </summary>
public delegate ValueTask<EventResult> FcEventHandler(Stream input, IFcContext context);
