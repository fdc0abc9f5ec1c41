using System.Buffers;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Invocation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Hosting;

/// <summary>
/// An FC call that came over HTTP: its context is read from FC's headers, its event from the request body (bounded, and
/// left unread where reading it would only hold the connection), its answer written to the response.
/// </summary>
internal sealed class HttpFcCall : FcCall
{
    /// <summary>The largest body a call does not need that is still read and dropped, so the connection can serve the next call.</summary>
    private const int SmallBodyBytes = 64 * 1024;

    private readonly HttpContext _http;
    private readonly FunctionAppOptions _options;

    /// <summary>
    /// A call <paramref name="http"/> carries, its request held to <see cref="FunctionAppOptions.MaxEventBytes"/>. Its context
    /// is read from FC's headers when it is opened; a web request without a request id (a bare probe, <c>s local</c>'s
    /// <c>GET /</c>) writes no log lines.
    /// </summary>
    public HttpFcCall(HttpContext http, CallKind kind, CallServices services, FunctionAppOptions options) : base(kind, http.RequestAborted, services)
    {
        _http = http;
        _options = options;
        LimitBody(http, options.MaxEventBytes);
    }

    protected override ParsedContext ReadContext(CancellationToken token) =>
        FcContextParser.Parse(_http.Request.Headers, _options.Environment, _options.Clock.GetUtcNow(), token, Services.FunctionLogger);

    public override bool Framed => Kind != CallKind.Http || _http.Request.Headers.ContainsKey(FcHeaders.RequestId);

    public override long? DeclaredLength => _http.Request.ContentLength;

    public override string? WebMethod => _http.Request.Method;

    public override string? Baggage => _http.Request.Headers.TryGetValue("baggage", out var baggage) ? baggage.ToString() : null;

    /// <summary>
    /// Buffers the event: FC sends it whole, handlers may read it twice, and a too-large one is refused before any
    /// handler runs. One that turns out too large while it arrives (sent chunked) is not read any further.
    /// </summary>
    public override async ValueTask<PooledEventStream> ReadEventAsync(long limit, CancellationToken token)
    {
        var request = _http.Request;
        try
        {
            return await PooledEventStream.ReadFromAsync(request.Body, request.ContentLength, limit, token);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel counted past the request's limit (LimitBody) before the reader did.
            throw new EventTooLargeException(limit);
        }
        catch (BadHttpRequestException exception)
        {
            throw MalformedBody(exception);
        }
    }

    /// <summary>
    /// Gets rid of a body the call does not need (a hook's, or one sent to an unknown handler) reading little or none of
    /// it: a small one already on its way (declared up to <see cref="SmallBodyBytes"/>, with no client waiting for
    /// <c>100 Continue</c>) is read and dropped, so the connection serves on; any other is left unread and Kestrel is
    /// told not to read it either. Returns true in that case: the answer must close the connection.
    /// </summary>
    public override async ValueTask<bool> SkipInputAsync()
    {
        var request = _http.Request;
        if (_http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return false;
        if (request.ContentLength is > 0 and <= SmallBodyBytes && !ExpectsContinue(request))
        {
            await DrainAsync(request.Body, SmallBodyBytes, CallerGone);
            return false;
        }
        LimitBody(_http, 0);
        return true;
    }

    protected override async Task WriteResultAsync(EventResult result, bool closeConnection, CancellationToken token)
    {
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers[FcHeaders.Status] = "200";
        response.ContentType = result.ContentType;
        if (closeConnection) response.Headers.Connection = "close";
        if (result.Stream is { } stream)
        {
            await using (stream)
            {
                if (stream.CanSeek) response.ContentLength = stream.Length - stream.Position;
                await stream.CopyToAsync(response.Body, token);
            }
        }
        else
        {
            response.ContentLength = result.Bytes.Length;
            if (!result.Bytes.IsEmpty) await response.Body.WriteAsync(result.Bytes, token);
        }
    }

    protected override async Task WriteErrorBodyAsync(int status, byte[] body, bool closeConnection)
    {
        var response = _http.Response;
        if (response.HasStarted)
        {
            // Part of a result is already on the wire: breaking the connection is the only honest signal left.
            Services.RuntimeLogger.LogError("The response had already started; aborting the connection.");
            _http.Abort();
            return;
        }
        response.Clear();
        response.StatusCode = status;
        response.Headers[FcHeaders.Status] = "404";
        response.ContentType = EventResult.Json;
        if (closeConnection) response.Headers.Connection = "close";
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body, CallerGone);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Sets the request's own body limit in Kestrel, which Kestrel enforces on the declared size before it sends
    /// <c>100 Continue</c>, and which keeps it from draining a refused body after the answer (it drains an unread body
    /// for up to 5 s otherwise, to keep the connection).
    /// </summary>
    private static void LimitBody(HttpContext http, long limit)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
    }

    private static bool ExpectsContinue(HttpRequest request) =>
        request.Headers.Expect.Any(value => value?.Contains("100-continue", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>Reads and drops what is left of a small body, so the connection can serve the next call.</summary>
    private static async Task DrainAsync(Stream body, long max, CancellationToken token)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while (total < max && (read = await body.ReadAsync(chunk, token)) > 0) total += read;
        }
        catch (BadHttpRequestException exception)
        {
            throw MalformedBody(exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// A body Kestrel cannot read (bad chunk framing, a stalled upload) is the caller's problem, not the function's:
    /// it is answered as an invalid event with Kestrel's reason, without Kestrel's frames as a stack trace.
    /// </summary>
    private static InvalidEventException MalformedBody(BadHttpRequestException exception) =>
        new($"The event could not be read from the request: {exception.Message}", exception);
}
