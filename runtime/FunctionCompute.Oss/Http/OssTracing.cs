using System.Diagnostics;
using FunctionCompute.Credentials.Internal;

namespace FunctionCompute.Oss.Http;

/// <summary>
/// The OSS client's spans: one client span per HTTP attempt, from the <see cref="SourceName"/> source, named
/// <c>OSS/&lt;operation&gt;</c> after OSS's API names, with the bucket. The span descriptions are built once, so a call
/// that nobody traces allocates nothing for tracing.
/// </summary>
internal static class OssTracing
{
    /// <summary>The name of the OSS client's <see cref="ActivitySource"/>.</summary>
    public const string SourceName = "FunctionCompute.Oss";

    public static readonly ActivitySource Source = new(SourceName, typeof(OssTracing).Assembly.GetName().Version?.ToString());

    private static readonly ClientCall PutObject = Call("PutObject"), GetObject = Call("GetObject"), HeadObject = Call("HeadObject"),
        DeleteObject = Call("DeleteObject"), ListObjectsV2 = Call("ListObjectsV2"), InitiateMultipartUpload = Call("InitiateMultipartUpload"),
        UploadPart = Call("UploadPart"), CompleteMultipartUpload = Call("CompleteMultipartUpload"), AbortMultipartUpload = Call("AbortMultipartUpload"),
        Other = Call("Other");

    private static ClientCall Call(string operation) => new("OSS/" + operation, RpcSystem: "alibaba_cloud_oss", RpcService: "OSS", RpcMethod: operation);

    /// <summary>Starts the span of one attempt and puts its <c>traceparent</c> on <paramref name="message"/>; null when nobody listens.</summary>
    public static Activity? Start(OssRequest request, HttpRequestMessage message)
    {
        var activity = ClientTracing.Start(Source, CallOf(request), message);
        if (activity is { IsAllDataRequested: true } && request.Bucket is not null) activity.SetTag("alibaba_cloud.oss.bucket", request.Bucket);
        return activity;
    }

    /// <summary>
    /// The OSS API operation a request stands for, told by its method, whether it names an object, and its sub-resource
    /// (<c>uploads</c>, <c>uploadId</c>): the client's operations map one to one onto these.
    /// </summary>
    private static ClientCall CallOf(OssRequest request)
    {
        var multipart = Has(request, "uploadId");
        return request.Method.Method switch
        {
            "GET" when request.Key is null => ListObjectsV2,
            "GET" => GetObject,
            "HEAD" => HeadObject,
            "PUT" => multipart ? UploadPart : PutObject,
            "POST" when Has(request, "uploads") => InitiateMultipartUpload,
            "POST" when multipart => CompleteMultipartUpload,
            "DELETE" => multipart ? AbortMultipartUpload : DeleteObject,
            _ => Other,
        };
    }

    private static bool Has(OssRequest request, string name)
    {
        foreach (var parameter in request.Query)
        {
            if (parameter.Key == name)
            {
                return true;
            }
        }

        return false;
    }
}
