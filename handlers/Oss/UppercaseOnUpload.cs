using System.Text;
using FunctionCompute.Events;
using FunctionCompute.Oss;
using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;

namespace SampleFunctions.Oss;

/// <summary>What <c>oss-uppercase-on-upload</c> did with the notifications of one OSS trigger event.</summary>
/// <param name="Written">The derived objects written (<c>derived/&lt;key&gt;</c>).</param>
/// <param name="Skipped">Notifications left alone, each with the reason.</param>
public sealed record OssTriggerResult(IReadOnlyList<string> Written, IReadOnlyList<string> Skipped);

/// <summary>
/// <c>oss-uppercase-on-upload</c>, an OSS-trigger function: for each <c>ObjectCreated:*</c> notification it reads the new
/// object with the invocation's STS credentials and writes an upper-case copy to <c>derived/&lt;key&gt;</c> in the same bucket.
/// Objects already under <c>derived/</c> are skipped, so the function's own writes never trigger it in a loop (configure the
/// trigger with a prefix filter, e.g. <c>uploads/</c>, as well). The endpoint is <c>OSS_ENDPOINT</c> when set, else the bucket
/// region's internal endpoint <c>oss-&lt;region&gt;-internal.aliyuncs.com</c>; the notification's region must be a region id
/// (lowercase letters, digits, <c>-</c>), and either endpoint must pass <see cref="FunctionCompute.Oss.Addressing.OssEndpointPolicy"/>
/// (a local OSS in <c>OSS_ENDPOINT</c> needs <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c> too).
/// </summary>
public static class UppercaseOnUpload
{
    /// <summary>Where the derived copies go.</summary>
    public const string DerivedPrefix = "derived/";

    /// <summary>Larger objects are skipped: this sample reads the object into memory.</summary>
    public const long MaxBytes = 8 * 1024 * 1024;

    /// <summary>Handles one OSS trigger event.</summary>
    public static async Task<OssTriggerResult> HandleAsync(OssEvent input, IFcContext context, OssClients clients)
    {
        if (input.Events.Count == 0) throw new InvalidEventException("The event has no \"events\": is this an OSS trigger event?");
        var credentials = SampleEvent.RequireCredentials(context);
        var written = new List<string>();
        var skipped = new List<string>();
        foreach (var record in input.Events)
        {
            var bucket = record.Oss?.Bucket?.Name;
            var key = record.Oss?.Object?.Key;
            if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(key))
                throw new InvalidEventException("An OSS notification needs oss.bucket.name and oss.object.key.");
            if (!record.IsObjectCreated) { skipped.Add($"{key}: {record.EventName} is not an ObjectCreated event"); continue; }
            if (key.StartsWith(DerivedPrefix, StringComparison.Ordinal)) { skipped.Add($"{key}: already derived"); continue; }
            if (record.Oss!.Object!.Size is > MaxBytes) { skipped.Add($"{key}: larger than {MaxBytes} bytes"); continue; }

            var client = ClientFor(record, context, clients);

            string text;
            await using (var source = await client.GetObjectAsync(bucket, key, new GetObjectOptions { Credentials = credentials }, context.CancellationToken))
            using (var reader = new StreamReader(source.Content, Encoding.UTF8))
                text = await reader.ReadToEndAsync(context.CancellationToken);

            var target = DerivedPrefix + key;
            var put = await client.PutObjectAsync(bucket, target, Encoding.UTF8.GetBytes(text.ToUpperInvariant()),
                new PutObjectOptions { ContentType = "text/plain; charset=utf-8", Credentials = credentials }, context.CancellationToken);
            context.Logger.LogInformation("derived oss://{Bucket}/{Target} from {Key} ({Event}, ETag {ETag})", bucket, target, key, record.EventName, put.ETag);
            written.Add(target);
        }
        return new OssTriggerResult(written, skipped);
    }

    // The region is checked before it goes into a host name: "cn-x@127.0.0.1:19702#" once made this endpoint loopback.
    // OSS_ENDPOINT passes the same endpoint policy as event endpoints (a local OSS needs OSS_ALLOW_LOOPBACK_ENDPOINTS=true).
    private static OssClient ClientFor(OssEventRecord record, IFcContext context, OssClients clients)
    {
        var region = SampleEvent.RequireRegion(record.Region, "OSS notification's \"region\"")
            ?? SampleEvent.RequireRegion(context.Region, "x-fc-region header")
            ?? throw new InvalidEventException("The OSS notification has no \"region\" and the invocation has none either.");
        return Environment.GetEnvironmentVariable("OSS_ENDPOINT") is { Length: > 0 } configured
            ? clients.For(configured, region, context, "The OSS_ENDPOINT setting")
            : clients.For($"oss-{region}-internal.aliyuncs.com", region, context, "The notification region's internal endpoint");
    }
}
