using FunctionCompute.Oss;
using FunctionCompute.Runtime;

namespace SampleFunctions.Oss;

/// <summary>The event of <c>oss-list-objects</c>; the endpoint follows the rule of <see cref="PutObjectEvent.Endpoint"/>.</summary>
public sealed record ListObjectsEvent(string? Endpoint, string? Bucket, string? Prefix = null, int? MaxKeys = null, string? Region = null);

/// <summary>One object in the answer of <c>oss-list-objects</c>.</summary>
public sealed record ListedObject(string Key, long Size, string? ETag, DateTimeOffset? LastModified);

/// <summary>The answer of <c>oss-list-objects</c>.</summary>
public sealed record ListObjectsResult(string Bucket, string? Prefix, IReadOnlyList<ListedObject> Objects, bool Truncated);

/// <summary><c>oss-list-objects</c>: lists a bucket (all pages, up to <c>maxKeys</c> objects, default 1000).</summary>
public static class ListObjects
{
    /// <summary>Lists the objects under the prefix.</summary>
    public static async Task<ListObjectsResult> HandleAsync(ListObjectsEvent input, IFcContext context, OssClients clients)
    {
        var endpoint = SampleEvent.Require(input.Endpoint, "endpoint");
        var bucket = SampleEvent.Require(input.Bucket, "bucket");
        var limit = Math.Clamp(input.MaxKeys ?? 1000, 1, 100_000);
        var credentials = SampleEvent.RequireCredentials(context);

        var client = clients.For(endpoint, input.Region, context);
        var objects = new List<ListedObject>();
        var truncated = false;
        await foreach (var item in client.ListObjectsAsync(bucket, new ListObjectsV2Options { Prefix = input.Prefix, Credentials = credentials }, context.CancellationToken))
        {
            if (objects.Count == limit)
            {
                truncated = true;
                break;
            }
            objects.Add(new ListedObject(item.Key, item.Size, item.ETag, item.LastModified));
        }
        return new ListObjectsResult(bucket, input.Prefix, objects, truncated);
    }
}
