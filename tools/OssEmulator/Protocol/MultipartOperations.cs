using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using FunctionCompute.Oss.Integrity;
using FunctionCompute.Oss.Signing;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>InitiateMultipartUpload, UploadPart, CompleteMultipartUpload and AbortMultipartUpload.</summary>
internal sealed class MultipartOperations(OssEmulatorOptions options, OssObjectStore store, Func<string> endpoint)
{
    private const long MinPartSize = 100 * 1024;

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    public async Task InitiateAsync(HttpContext ctx, OssCall call, string bucket, string key, EmulatorCredential credential)
    {
        var attributes = ObjectHeaders.Read(ctx.Request, includeAcl: false);
        if (attributes.ForbidOverwrite && store.TryGet(bucket, key, out _))
        {
            throw OssError.FileAlreadyExists();
        }

        var upload = store.StartUpload(bucket, key, credential.AccessKeyId, attributes, Now);
        var url = call.QueryValue("encoding-type") == "url";
        await OssResponses.WriteXmlAsync(ctx, 200, new XElement("InitiateMultipartUploadResult",
            new XElement("Bucket", bucket),
            new XElement("Key", url ? OssUriEncoding.Encode(key) : key),
            new XElement("UploadId", upload.UploadId),
            url ? new XElement("EncodingType", "url") : null)).ConfigureAwait(false);
    }

    public async Task UploadPartAsync(HttpContext ctx, OssCall call, string bucket, string key)
    {
        var partText = call.QueryValue("partNumber") ?? "";
        if (!int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out var partNumber) || partNumber is < 1 or > 10000)
        {
            throw OssError.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive.", "PartNumber", partText, "0017-00000220");
        }

        var uploadId = call.QueryValue("uploadId") ?? "";
        var upload = store.GetUpload(bucket, key, uploadId);
        var expectedMd5 = RequestBodies.ParseContentMd5(ctx.Request);
        if (ctx.Request.ContentLength is > RequestBodies.MaxSingleObjectSize)
        {
            throw new OssError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed part size.");
        }

        var body = await RequestBodies.ReceiveAsync(ctx, call, store, expectedMd5).ConfigureAwait(false);
        var part = new UploadedPart
        {
            PartNumber = partNumber,
            Segment = body.Segment,
            Md5 = body.Md5,
            Crc64 = body.Crc64,
            ETag = OssFormats.ETag(body.Md5),
            LastModified = Now,
        };
        store.PutPart(upload, part);
        OssResponses.WriteUploaded(ctx.Response, part.ETag, part.Crc64, body.Md5);
    }

    public async Task CompleteAsync(HttpContext ctx, OssCall call, string bucket, string key, EmulatorCredential credential)
    {
        var uploadId = call.QueryValue("uploadId") ?? "";
        var upload = store.GetUpload(bucket, key, uploadId);
        var acl = ctx.Request.Headers["x-oss-object-acl"].ToString();
        if (acl.Length > 0 && !ObjectHeaders.IsAcl(acl))
        {
            throw OssError.InvalidArgument("no such object access control exists", "x-oss-object-acl", acl);
        }

        var forbid = upload.Attributes.ForbidOverwrite
            || string.Equals(ctx.Request.Headers["x-oss-forbid-overwrite"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var completeAll = string.Equals(ctx.Request.Headers["x-oss-complete-all"].ToString(), "yes", StringComparison.OrdinalIgnoreCase);
        var body = await RequestBodies.ReadSmallAsync(ctx, call, 4 * 1024 * 1024).ConfigureAwait(false);

        List<UploadedPart> parts;
        if (completeAll)
        {
            if (body.Length > 0) throw OssError.InvalidArgument("x-oss-complete-all requires an empty body.", "x-oss-complete-all", "yes");
            parts = [.. upload.Parts.Values.OrderBy(p => p.PartNumber)];
            if (parts.Count == 0) throw OssError.MalformedXml("No parts have been uploaded.");
        }
        else
        {
            parts = [];
            foreach (var (number, eTag) in ParseCompleteBody(body))
            {
                if (parts.Count > 0 && number <= parts[^1].PartNumber)
                {
                    throw new OssError(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.", "0042-00000209");
                }

                if (!upload.Parts.TryGetValue(number, out var part) || !OssFormats.SameETag(eTag, part.ETag))
                {
                    throw new OssError(400, "InvalidPart",
                        "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.", null,
                        [("PartNumber", number.ToString(CultureInfo.InvariantCulture)), ("ETag", eTag)]);
                }

                parts.Add(part);
            }
        }

        for (var i = 0; i < parts.Count - 1; i++)
        {
            if (parts[i].Size < MinPartSize)
            {
                throw new OssError(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.", "0042-00000213",
                    [("PartNumber", parts[i].PartNumber.ToString(CultureInfo.InvariantCulture)), ("MinSizeAllowed", MinPartSize.ToString(CultureInfo.InvariantCulture))]);
            }
        }

        if (forbid && store.TryGet(bucket, key, out _))
        {
            throw OssError.FileAlreadyExists("0042-00000214");
        }

        if (!store.TryFinishUpload(upload))
        {
            throw OssError.NoSuchUpload(uploadId);
        }

        var crc = parts[0].Crc64;
        for (var i = 1; i < parts.Count; i++) crc = Crc64Ecma.Combine(crc, parts[i].Crc64, parts[i].Size);
        var allMd5 = parts.SelectMany(p => p.Md5).ToArray();
        var eTagValue = "\"" + Convert.ToHexString(MD5.HashData(allMd5)) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture) + "\"";
        var obj = new OssStoredObject(bucket, key, [.. parts.Select(p => p.Segment)], upload.Attributes)
        {
            ETag = eTagValue,
            Crc64 = crc,
            LastModified = Now,
            ObjectType = "Multipart",
            // The ACL comes with CompleteMultipartUpload (InitiateMultipartUpload's is not used, as in OSS).
            Acl = acl.Length > 0 ? acl : "default",
            WrittenBy = credential.AccessKeyId,
            PartCount = parts.Count,
        };
        try
        {
            store.Commit(obj, forbid, "0042-00000214");
        }
        catch
        {
            store.RestoreUpload(upload);
            throw;
        }

        // Parts uploaded but not listed are discarded, as OSS does.
        OssObjectStore.Release(upload.Parts.Values.Where(p => !parts.Contains(p)).Select(p => p.Segment));
        ctx.Response.Headers["x-oss-hash-crc64ecma"] = OssFormats.Decimal(crc);
        var url = call.QueryValue("encoding-type") == "url";
        var encodedKey = url ? OssUriEncoding.Encode(key) : key;
        await OssResponses.WriteXmlAsync(ctx, 200, new XElement("CompleteMultipartUploadResult",
            url ? new XElement("EncodingType", "url") : null,
            new XElement("Location", $"{endpoint()}/{bucket}/{OssUriEncoding.Encode(key, keepSlash: true)}"),
            new XElement("Bucket", bucket),
            new XElement("Key", encodedKey),
            new XElement("ETag", eTagValue))).ConfigureAwait(false);
    }

    private static List<(int Number, string ETag)> ParseCompleteBody(byte[] body)
    {
        if (body.Length == 0) throw OssError.MalformedXml("The request body is empty.");
        XElement root;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), OssFormats.SafeReader);
            root = XElement.Load(reader);
        }
        catch (XmlException ex)
        {
            throw OssError.MalformedXml(ex.Message);
        }

        if (root.Name.LocalName != "CompleteMultipartUpload") throw OssError.MalformedXml("The root element must be CompleteMultipartUpload.");
        var result = new List<(int, string)>();
        foreach (var part in root.Elements().Where(e => e.Name.LocalName == "Part"))
        {
            var n = part.Elements().FirstOrDefault(e => e.Name.LocalName == "PartNumber")?.Value;
            var eTag = part.Elements().FirstOrDefault(e => e.Name.LocalName == "ETag")?.Value;
            if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 10000 || string.IsNullOrEmpty(eTag))
            {
                throw OssError.MalformedXml("Each Part needs a PartNumber (1-10000) and an ETag.");
            }

            result.Add((number, eTag));
        }

        if (result.Count == 0) throw OssError.MalformedXml("No Part elements.");
        return result;
    }

    public Task AbortAsync(HttpContext ctx, OssCall call, string bucket, string key)
    {
        var uploadId = call.QueryValue("uploadId") ?? "";
        if (!store.AbortUpload(bucket, key, uploadId)) throw OssError.NoSuchUpload(uploadId);
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
