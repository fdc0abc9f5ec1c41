using System.Text;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>The object settings a PutObject or InitiateMultipartUpload request carries in its headers, checked as OSS checks them.</summary>
internal static class ObjectHeaders
{
    private const int MaxMetadataBytes = 8 * 1024;
    private static readonly string[] StorageClasses = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"];
    private static readonly string[] Acls = ["default", "private", "public-read", "public-read-write"];

    public static bool IsAcl(string value) => Acls.Contains(value);

    public static ObjectAttributes Read(HttpRequest request, bool includeAcl)
    {
        var attributes = new ObjectAttributes();
        var contentType = request.Headers.ContentType.ToString();
        if (contentType.Length > 0) attributes.ContentType = contentType;
        var storageClass = request.Headers["x-oss-storage-class"].ToString();
        if (storageClass.Length > 0)
        {
            attributes.StorageClass = StorageClasses.FirstOrDefault(s => string.Equals(s, storageClass, StringComparison.OrdinalIgnoreCase))
                ?? throw OssError.InvalidArgument("Invalid storage class.", "x-oss-storage-class", storageClass);
        }

        var acl = request.Headers["x-oss-object-acl"].ToString();
        if (acl.Length > 0)
        {
            attributes.Acl = Acls.FirstOrDefault(s => s == acl)
                ?? throw OssError.InvalidArgument("no such object access control exists", "x-oss-object-acl", acl);
            if (!includeAcl) attributes.Acl = "default";
        }

        var forbid = request.Headers["x-oss-forbid-overwrite"].ToString();
        attributes.ForbidOverwrite = string.Equals(forbid, "true", StringComparison.OrdinalIgnoreCase);
        var metadataBytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith("x-oss-meta-", StringComparison.OrdinalIgnoreCase) && name.Length > "x-oss-meta-".Length)
            {
                var metaName = name["x-oss-meta-".Length..].ToLowerInvariant();
                var value = values.ToString();
                attributes.Metadata[metaName] = value;
                metadataBytes += Encoding.UTF8.GetByteCount(metaName) + Encoding.UTF8.GetByteCount(value);
            }
        }

        if (metadataBytes > MaxMetadataBytes)
        {
            throw OssError.InvalidArgument("Your metadata headers exceed the maximum allowed metadata size (8 KB).");
        }

        attributes.CacheControl = NullIfEmpty(request.Headers.CacheControl.ToString());
        attributes.ContentDisposition = NullIfEmpty(request.Headers.ContentDisposition.ToString());
        attributes.ContentEncoding = NullIfEmpty(request.Headers.ContentEncoding.ToString());
        attributes.Expires = NullIfEmpty(request.Headers.Expires.ToString());
        return attributes;
    }

    public static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
