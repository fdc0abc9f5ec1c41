using System.Globalization;

namespace FunctionCompute.Oss.Http;

/// <summary>Reads OSS response headers into typed values.</summary>
internal static class ResponseHeaders
{
    public static string? Get(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : response.Content.Headers.TryGetValues(name, out var cvalues) ? cvalues.FirstOrDefault() : null;

    public static string? RequestId(HttpResponseMessage response) => Get(response, "x-oss-request-id");

    public static ulong? Crc64(HttpResponseMessage response) =>
        ulong.TryParse(Get(response, "x-oss-hash-crc64ecma"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static ObjectMetadata Metadata(HttpResponseMessage response)
    {
        var user = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
        {
            if (name.StartsWith("x-oss-meta-", StringComparison.OrdinalIgnoreCase))
            {
                user[name["x-oss-meta-".Length..]] = string.Join(",", values);
            }
        }

        var content = response.Content.Headers;
        return new ObjectMetadata
        {
            ContentLength = content.ContentLength,
            ContentType = Get(response, "Content-Type"),
            ETag = Get(response, "ETag"),
            LastModified = content.LastModified,
            Crc64 = Crc64(response),
            ObjectType = Get(response, "x-oss-object-type"),
            StorageClass = Get(response, "x-oss-storage-class"),
            VersionId = Get(response, "x-oss-version-id"),
            CacheControl = Get(response, "Cache-Control"),
            ContentDisposition = Get(response, "Content-Disposition"),
            ContentEncoding = Get(response, "Content-Encoding"),
            UserMetadata = user,
            RequestId = RequestId(response),
        };
    }
}
