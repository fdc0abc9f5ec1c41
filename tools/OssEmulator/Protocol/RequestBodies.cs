using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>A received upload body: where it is stored and the digests OSS answers with.</summary>
internal readonly record struct ReceivedBody(Segment Segment, byte[] Md5, ulong Crc64);

/// <summary>How the operations read request bodies: streamed to storage (objects, parts), bounded in memory (XML), or drained.</summary>
internal static class RequestBodies
{
    /// <summary>Largest object or part OSS accepts in one PUT.</summary>
    public const long MaxSingleObjectSize = 5L * 1024 * 1024 * 1024;

    /// <summary>
    /// Streams the body into the store, checking it against <paramref name="expectedMd5"/> (the Content-MD5 header) when given.
    /// The caller owns the returned segment (commit it or release it).
    /// </summary>
    public static async Task<ReceivedBody> ReceiveAsync(HttpContext ctx, OssCall call, OssObjectStore store, byte[]? expectedMd5)
    {
        using var sink = store.CreateSink(ctx.Request.ContentLength);
        call.BodyConsumed = true;
        await sink.CopyFromAsync(ctx.Request.Body, ctx.RequestAborted).ConfigureAwait(false);
        var md5 = sink.Md5();
        if (expectedMd5 is not null && !md5.AsSpan().SequenceEqual(expectedMd5))
        {
            throw OssError.InvalidDigest("The Content-MD5 you specified was invalid.");
        }

        var segment = await sink.CompleteAsync().ConfigureAwait(false);
        return new ReceivedBody(segment, md5, sink.Crc64);
    }

    /// <summary>The decoded Content-MD5 header; a value that is not base64 of 16 bytes is InvalidDigest (EC 0017-00000502).</summary>
    public static byte[]? ParseContentMd5(HttpRequest request)
    {
        var value = request.Headers["Content-MD5"].ToString();
        if (value.Length == 0) return null;
        Span<byte> buffer = stackalloc byte[32];
        if (!Convert.TryFromBase64String(value.Trim(), buffer, out var written) || written != 16)
        {
            throw OssError.InvalidDigest("The Content-MD5 you specified is not valid.", "0017-00000502");
        }

        return buffer[..16].ToArray();
    }

    /// <summary>Reads a small body (an XML document) into memory; over <paramref name="limit"/> bytes is MalformedXml.</summary>
    public static async Task<byte[]> ReadSmallAsync(HttpContext ctx, OssCall call, int limit)
    {
        call.BodyConsumed = true;
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + n > limit) throw OssError.MalformedXml("The request body is too large.");
            ms.Write(buffer, 0, n);
        }

        return ms.ToArray();
    }

    /// <summary>Reads and discards what is left of the body, so the client sees the answer rather than a reset while sending.</summary>
    public static async Task DrainAsync(HttpContext ctx, OssCall call)
    {
        if (call.BodyConsumed) return;
        call.BodyConsumed = true;
        var buffer = new byte[64 * 1024];
        while (await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false) > 0)
        {
        }
    }
}
