using System.Text;
using FunctionCompute.Oss;
using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;

namespace SampleFunctions.Oss;

/// <summary>The event of <c>oss-put-object</c>.</summary>
/// <param name="Endpoint">e.g. <c>oss-cn-hangzhou-internal.aliyuncs.com</c> (https is used when no scheme is given). Only Alibaba Cloud
/// OSS hosts over https are accepted (<see cref="FunctionCompute.Oss.Addressing.OssEndpointPolicy"/>); a local OSS on 127.0.0.1, ::1 or
/// localhost only when the function's environment has <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c>. Anything else is an invalid event
/// and no request is sent: the request would carry the invocation's STS token.</param>
/// <param name="Bucket">The bucket to write to.</param>
/// <param name="ObjectName">The object key, e.g. <c>reports/today.txt</c>.</param>
/// <param name="Message">The object's content (stored as UTF-8 text).</param>
/// <param name="Region">Optional: the region to sign for when the endpoint does not name one (a region id, e.g. <c>cn-hangzhou</c>).</param>
public sealed record PutObjectEvent(string? Endpoint, string? Bucket, string? ObjectName, string? Message, string? Region = null);

/// <summary>
/// <c>oss-put-object</c>, the reference function: writes the event's <c>message</c> as an object,
/// signed with the STS credentials FC passes with this invocation, and answers <c>success</c>.
/// </summary>
public static class PutObject
{
    /// <summary>Puts the object.</summary>
    public static async Task<EventResult> HandleAsync(PutObjectEvent input, IFcContext context, OssClients clients)
    {
        var endpoint = SampleEvent.Require(input.Endpoint, "endpoint");
        var bucket = SampleEvent.Require(input.Bucket, "bucket");
        var key = SampleEvent.Require(input.ObjectName, "objectName");
        if (input.Message is null) throw new InvalidEventException("The event needs a \"message\" (it may be an empty string).");
        var credentials = SampleEvent.RequireCredentials(context);

        var client = clients.For(endpoint, input.Region, context);
        var result = await client.PutObjectAsync(bucket, key, Encoding.UTF8.GetBytes(input.Message),
            new PutObjectOptions { ContentType = "text/plain; charset=utf-8", Credentials = credentials }, context.CancellationToken);

        context.Logger.LogInformation("put oss://{Bucket}/{Key} ({Bytes} bytes, ETag {ETag}, OSS request {OssRequestId})",
            bucket, key, Encoding.UTF8.GetByteCount(input.Message), result.ETag, result.RequestId);
        return EventResult.FromText("success");
    }
}
