using System.Xml.Linq;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>Writes OSS's answers: the headers every answer carries, XML documents, upload results and error documents.</summary>
internal sealed class OssResponses(OssEmulatorOptions options, OssObjectStore store)
{
    /// <summary>The headers OSS puts on every answer, success or error.</summary>
    public void WriteCommonHeaders(HttpResponse response, string requestId)
    {
        response.Headers["x-oss-request-id"] = requestId;
        response.Headers.Server = "AliyunOSS";
        response.Headers.Date = OssFormats.HttpDate(options.TimeProvider.GetUtcNow());
    }

    /// <summary>The empty 200 answer to an upload (PutObject, UploadPart): ETag, CRC-64 and MD5 of what was stored.</summary>
    public static void WriteUploaded(HttpResponse response, string eTag, ulong crc64, byte[] md5)
    {
        response.StatusCode = 200;
        response.Headers.ETag = eTag;
        response.Headers["x-oss-hash-crc64ecma"] = OssFormats.Decimal(crc64);
        response.Headers["Content-MD5"] = Convert.ToBase64String(md5);
        response.ContentLength = 0;
    }

    public static async Task WriteXmlAsync(HttpContext ctx, int status, XElement root)
    {
        var bytes = OssFormats.XmlBytes(root);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/xml";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>OSS's <c>&lt;Error&gt;</c> document (in <c>x-oss-err</c> for HEAD); a started answer can only be aborted.</summary>
    public async Task WriteErrorAsync(HttpContext ctx, OssCall call, OssError error)
    {
        if (ctx.Response.HasStarted)
        {
            ctx.Abort();
            return;
        }

        // Read what is left of the body (bounded) so the client sees the answer rather than a reset while sending.
        if (!call.BodyConsumed && (ctx.Request.ContentLength is > 0 and <= 64L * 1024 * 1024 || ctx.Request.Headers.TransferEncoding.Count > 0))
        {
            try { await RequestBodies.DrainAsync(ctx, call).ConfigureAwait(false); }
            catch (IOException) { }
        }

        var response = ctx.Response;
        response.Clear();
        WriteCommonHeaders(response, call.RequestId);
        response.StatusCode = error.Status;
        if (error.Ec is not null) response.Headers["x-oss-ec"] = error.Ec;
        foreach (var (name, value) in error.Headers) response.Headers[name] = value;

        var hostId = call.Bucket is not null && store.BucketExists(call.Bucket)
            ? $"{call.Bucket}.oss-{options.Region}.aliyuncs.com" : $"oss-{options.Region}.aliyuncs.com";
        var root = new XElement("Error",
            new XElement("Code", error.Code),
            new XElement("Message", error.ErrorMessage),
            new XElement("RequestId", call.RequestId),
            new XElement("HostId", hostId),
            error.Extra.Select(e => new XElement(e.Name, e.Value)),
            error.Ec is null ? null : new XElement("EC", error.Ec),
            error.Ec is null ? null : new XElement("RecommendDoc", "https://api.aliyun.com/troubleshoot?q=" + error.Ec));
        var bytes = OssFormats.XmlBytes(root);
        response.ContentType = "application/xml";
        if (call.IsHead)
        {
            // HEAD answers cannot carry a body: OSS puts the document base64-encoded in x-oss-err.
            response.Headers["x-oss-err"] = Convert.ToBase64String(bytes);
            response.ContentLength = 0;
            return;
        }

        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
    }
}
