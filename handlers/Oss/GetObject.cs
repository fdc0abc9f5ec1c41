using FunctionCompute.Oss;
using FunctionCompute.Runtime;

namespace SampleFunctions.Oss;

/// <summary>The event of <c>oss-get-object</c>; the endpoint follows the rule of <see cref="PutObjectEvent.Endpoint"/>.</summary>
public sealed record GetObjectEvent(string? Endpoint, string? Bucket, string? ObjectName, string? Region = null);

/// <summary><c>oss-get-object</c>: returns an object's content, read with the invocation's credentials.</summary>
public static class GetObject
{
    /// <summary>Streams the object back as the invocation's result (CRC-64 checked while it streams).</summary>
    public static async Task<EventResult> HandleAsync(GetObjectEvent input, IFcContext context, OssClients clients)
    {
        var endpoint = SampleEvent.Require(input.Endpoint, "endpoint");
        var bucket = SampleEvent.Require(input.Bucket, "bucket");
        var key = SampleEvent.Require(input.ObjectName, "objectName");
        var credentials = SampleEvent.RequireCredentials(context);

        var client = clients.For(endpoint, input.Region, context);
        var result = await client.GetObjectAsync(bucket, key, new GetObjectOptions { Credentials = credentials }, context.CancellationToken);
        // The runtime disposes the stream once written; the result object owns nothing else.
        return EventResult.FromStream(result.Content, result.Metadata.ContentType ?? "application/octet-stream");
    }
}
