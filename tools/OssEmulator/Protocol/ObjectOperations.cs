using System.Globalization;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>PutObject, GetObject, HeadObject and DeleteObject.</summary>
internal sealed class ObjectOperations(OssEmulatorOptions options, OssObjectStore store)
{
    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    public async Task PutAsync(HttpContext ctx, OssCall call, string bucket, string key, EmulatorCredential credential)
    {
        var attributes = ObjectHeaders.Read(ctx.Request, includeAcl: true);
        var expectedMd5 = RequestBodies.ParseContentMd5(ctx.Request);
        if (ctx.Request.ContentLength is > RequestBodies.MaxSingleObjectSize)
        {
            throw new OssError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");
        }

        if (attributes.ForbidOverwrite && store.TryGet(bucket, key, out _))
        {
            throw OssError.FileAlreadyExists();
        }

        var body = await RequestBodies.ReceiveAsync(ctx, call, store, expectedMd5).ConfigureAwait(false);
        var segment = body.Segment;
        var obj = new OssStoredObject(bucket, key, [segment], attributes)
        {
            ETag = OssFormats.ETag(body.Md5),
            Crc64 = body.Crc64,
            LastModified = Now,
            WrittenBy = credential.AccessKeyId,
        };
        try
        {
            store.Commit(obj, attributes.ForbidOverwrite);
        }
        catch
        {
            OssObjectStore.Release([segment]);
            throw;
        }

        OssResponses.WriteUploaded(ctx.Response, obj.ETag, obj.Crc64, body.Md5);
    }

    public async Task GetAsync(HttpContext ctx, OssCall call, string bucket, string key, bool head)
    {
        if (!store.TryGet(bucket, key, out var obj))
        {
            throw OssError.NoSuchKey(key);
        }

        var response = ctx.Response;
        var ifMatch = ctx.Request.Headers.IfMatch.ToString();
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && !OssFormats.SameETag(ifMatch, obj.ETag))
        {
            throw new OssError(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.", null, [("Condition", "If-Match")]);
        }

        var ifNoneMatch = ctx.Request.Headers.IfNoneMatch.ToString();
        if (!string.IsNullOrEmpty(ifNoneMatch) && (ifNoneMatch == "*" || OssFormats.SameETag(ifNoneMatch, obj.ETag)))
        {
            response.StatusCode = 304;
            response.Headers.ETag = obj.ETag;
            return;
        }

        response.Headers.ETag = obj.ETag;
        response.Headers.LastModified = OssFormats.HttpDate(obj.LastModified);
        response.Headers["x-oss-hash-crc64ecma"] = OssFormats.Decimal(obj.Crc64);
        response.Headers["x-oss-object-type"] = obj.ObjectType;
        response.Headers["x-oss-storage-class"] = obj.StorageClass;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = call.QueryValue("response-content-type") ?? obj.ContentType;
        SetOptional(response, "Cache-Control", call.QueryValue("response-cache-control") ?? obj.CacheControl);
        SetOptional(response, "Content-Disposition", call.QueryValue("response-content-disposition") ?? obj.ContentDisposition);
        SetOptional(response, "Content-Encoding", call.QueryValue("response-content-encoding") ?? obj.ContentEncoding);
        SetOptional(response, "Content-Language", call.QueryValue("response-content-language"));
        SetOptional(response, "Expires", call.QueryValue("response-expires") ?? obj.Expires);
        foreach (var (name, value) in obj.UserMetadata)
        {
            response.Headers["x-oss-meta-" + name] = value;
        }

        long start = 0, length = obj.Size;
        var range = ctx.Request.Headers.Range.ToString();
        if (range.Length > 0)
        {
            var standard = string.Equals(ctx.Request.Headers["x-oss-range-behavior"].ToString(), "standard", StringComparison.OrdinalIgnoreCase);
            switch (ByteRanges.Parse(range, obj.Size, out var from, out var to))
            {
                case RangeResult.Satisfiable:
                    start = from;
                    length = to - from + 1;
                    response.StatusCode = 206;
                    response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {from}-{to}/{obj.Size}");
                    break;
                case RangeResult.Unsatisfiable when standard:
                {
                    var e = new OssError(416, "InvalidRange", "The requested range cannot be satisfied", null,
                        [("RangeRequested", range), ("ActualObjectSize", obj.Size.ToString(CultureInfo.InvariantCulture))]);
                    e.Headers["Content-Range"] = string.Create(CultureInfo.InvariantCulture, $"bytes */{obj.Size}");
                    throw e;
                }

                default:
                    // OSS's default: an invalid or unsatisfiable range is ignored and the whole object returned.
                    break;
            }
        }

        response.ContentLength = length;
        if (head || length == 0) return;
        await using var content = obj.OpenRead(start, length);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await content.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, n), ctx.RequestAborted).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void SetOptional(HttpResponse response, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) response.Headers[name] = value;
    }

    public Task DeleteAsync(HttpContext ctx, string bucket, string key)
    {
        store.Delete(bucket, key);
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
