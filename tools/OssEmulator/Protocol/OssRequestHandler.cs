using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using FunctionCompute.Oss.Integrity;
using FunctionCompute.Oss.Signing;
using FunctionCompute.OssEmulator.Faults;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>Serves the OSS operations the emulator supports, after fault injection and authentication.</summary>
internal sealed class OssRequestHandler(OssEmulatorOptions options, OssObjectStore store, OssFaultInjector faults, Authenticator authenticator,
    Action<OssRequestRecord> record, Func<string> endpoint)
{
    private const long MaxSingleObjectSize = 5L * 1024 * 1024 * 1024;
    private const long MinPartSize = 100 * 1024;
    private const int MaxMetadataBytes = 8 * 1024;
    private static readonly string[] StorageClasses = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"];
    private static readonly string[] Acls = ["default", "private", "public-read", "public-read-write"];

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    public async Task HandleAsync(HttpContext ctx)
    {
        var call = new OssCall { RequestId = NewRequestId(), Method = ctx.Request.Method.ToUpperInvariant() };
        ctx.Response.Headers["x-oss-request-id"] = call.RequestId;
        ctx.Response.Headers.Server = "AliyunOSS";
        ctx.Response.Headers.Date = OssFormats.HttpDate(Now);
        string? errorCode = null;
        bool reset = false;
        try
        {
            call.Parse(ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path.Value ?? "/");
            call.Classify();
            if (await ApplyFaultAsync(ctx, call).ConfigureAwait(false))
            {
                reset = true;
                return;
            }

            if (call.Bucket is not null && !store.BucketExists(call.Bucket))
            {
                throw OssError.NoSuchBucket(call.Bucket);
            }

            EmulatorCredential credential = authenticator.Authenticate(ctx.Request, call);
            await DispatchAsync(ctx, call, credential).ConfigureAwait(false);
        }
        catch (OssError e)
        {
            errorCode = e.Code;
            await WriteErrorAsync(ctx, call, e).ConfigureAwait(false);
        }
        catch (Exception) when (ctx.RequestAborted.IsCancellationRequested)
        {
            errorCode = "ClientDisconnected";
        }
        catch (IOException) when (!ctx.Response.HasStarted)
        {
            // The client stopped sending the body (connection dropped or reset).
            errorCode = "IncompleteBody";
            ctx.Abort();
            reset = true;
        }
        catch (Exception ex) when (!ctx.Response.HasStarted)
        {
            errorCode = "InternalError";
            options.Log?.Invoke($"internal error on {call.Method} /{call.Bucket}/{call.Key}: {ex.GetType().Name}: {ex.Message}");
            await WriteErrorAsync(ctx, call, new OssError(500, "InternalError", "We encountered an internal error. Please try again.")).ConfigureAwait(false);
        }
        finally
        {
            var rec = new OssRequestRecord
            {
                RequestId = call.RequestId,
                Time = Now,
                Method = call.Method,
                Bucket = call.Bucket,
                Key = call.Key,
                Operation = call.Operation,
                AccessKeyId = call.AccessKeyId,
                StatusCode = reset ? 0 : ctx.Response.StatusCode,
                ErrorCode = errorCode,
                Fault = call.Fault?.Action.ToString(),
                TraceParents = ctx.Request.Headers["traceparent"].ToArray()!,
            };
            record(rec);
        }
    }

    private static string NewRequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>Applies a scripted fault; true when the connection was reset (nothing more to do).</summary>
    private async Task<bool> ApplyFaultAsync(HttpContext ctx, OssCall call)
    {
        OssFault? fault = faults.TryTake(call.RequestId, call.Method, call.Operation, call.Bucket, call.Key);
        if (fault is null) return false;
        call.Fault = fault;
        if (fault.DelayMilliseconds > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMilliseconds), ctx.RequestAborted).ConfigureAwait(false);
        }

        switch (fault.Action)
        {
            case OssFaultAction.Delay:
                return false;
            case OssFaultAction.Error:
                await DrainAsync(ctx, call).ConfigureAwait(false);
                throw new OssError(fault.StatusCode, fault.Code ?? OssError.DefaultCodeFor(fault.StatusCode), fault.Message ?? "Injected by the OSS emulator.");
            case OssFaultAction.ClockSkew:
            {
                await DrainAsync(ctx, call).ConfigureAwait(false);
                DateTimeOffset requestTime = DateTime.TryParseExact(ctx.Request.Headers["x-oss-date"].ToString(), OssV4Signer.DateTimeFormat,
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime t)
                    ? new DateTimeOffset(t, TimeSpan.Zero) : Now;
                throw OssError.RequestTimeTooSkewed(requestTime, fault.ServerTime ?? Now, options.MaxClockSkew);
            }

            case OssFaultAction.ResetConnection:
                await DrainAsync(ctx, call).ConfigureAwait(false);
                ctx.Abort();
                return true;
            case OssFaultAction.CorruptCrc64:
                ctx.Response.OnStarting(() =>
                {
                    if (ulong.TryParse(ctx.Response.Headers["x-oss-hash-crc64ecma"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong real))
                    {
                        ctx.Response.Headers["x-oss-hash-crc64ecma"] = OssFormats.Decimal(fault.Crc64 ?? real ^ 1UL);
                    }

                    return Task.CompletedTask;
                });
                return false;
            default:
                return false;
        }
    }

    private static async Task DrainAsync(HttpContext ctx, OssCall call)
    {
        if (call.BodyConsumed) return;
        call.BodyConsumed = true;
        byte[] buffer = new byte[64 * 1024];
        while (await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false) > 0)
        {
        }
    }

    private Task DispatchAsync(HttpContext ctx, OssCall call, EmulatorCredential credential)
    {
        string bucket = call.Bucket ?? throw OssError.NotImplemented("service-level operations (ListBuckets)");
        if (call.Key is { } key) ValidateKey(key);
        return call.Operation switch
        {
            "ListObjectsV2" => ListObjectsV2Async(ctx, call, bucket),
            "ListObjects" => throw OssError.NotImplemented("ListObjects (v1); use list-type=2"),
            "PutObject" => PutObjectAsync(ctx, call, bucket, call.Key!, credential),
            "GetObject" => GetObjectAsync(ctx, call, bucket, call.Key!, head: false),
            "HeadObject" => GetObjectAsync(ctx, call, bucket, call.Key!, head: true),
            "DeleteObject" => DeleteObjectAsync(ctx, bucket, call.Key!),
            "InitiateMultipartUpload" => InitiateAsync(ctx, call, bucket, call.Key!, credential),
            "UploadPart" => UploadPartAsync(ctx, call, bucket, call.Key!),
            "CompleteMultipartUpload" => CompleteAsync(ctx, call, bucket, call.Key!, credential),
            "AbortMultipartUpload" => AbortAsync(ctx, call, bucket, call.Key!),
            "ListParts" => throw OssError.NotImplemented("ListParts"),
            "Unsupported" => throw OssError.NotImplemented($"the '{call.UnsupportedSubresource()}' sub-resource"),
            "GetBucketSubresource" => throw OssError.NotImplemented("bucket sub-resources"),
            "PutBucket" or "DeleteBucket" => throw OssError.MethodNotAllowed(call.Method, "Bucket"),
            _ => throw OssError.MethodNotAllowed(call.Method, call.Key is null ? "Bucket" : "Object"),
        };
    }

    private static void ValidateKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > 1023 || key[0] is '/' or '\\')
        {
            throw new OssError(400, "InvalidObjectName", "The specified object is not valid.");
        }
    }

    // ---------------------------------------------------------------- objects

    private async Task PutObjectAsync(HttpContext ctx, OssCall call, string bucket, string key, EmulatorCredential credential)
    {
        ObjectAttributes attributes = ReadAttributes(ctx.Request, includeAcl: true);
        byte[]? expectedMd5 = ParseContentMd5(ctx.Request);
        if (ctx.Request.ContentLength is > MaxSingleObjectSize)
        {
            throw new OssError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");
        }

        if (attributes.ForbidOverwrite && store.TryGet(bucket, key, out _))
        {
            throw OssError.FileAlreadyExists();
        }

        using BodySink sink = store.CreateSink(ctx.Request.ContentLength);
        call.BodyConsumed = true;
        await sink.CopyFromAsync(ctx.Request.Body, ctx.RequestAborted).ConfigureAwait(false);
        byte[] md5 = sink.Md5();
        if (expectedMd5 is not null && !md5.AsSpan().SequenceEqual(expectedMd5))
        {
            throw OssError.InvalidDigest("The Content-MD5 you specified was invalid.");
        }

        Segment segment = await sink.CompleteAsync().ConfigureAwait(false);
        var obj = new OssStoredObject(bucket, key, [segment])
        {
            ETag = OssFormats.ETag(md5),
            Crc64 = sink.Crc64,
            LastModified = Now,
            ContentType = attributes.ContentType,
            StorageClass = attributes.StorageClass,
            Acl = attributes.Acl,
            UserMetadata = attributes.Metadata,
            CacheControl = attributes.CacheControl,
            ContentDisposition = attributes.ContentDisposition,
            ContentEncoding = attributes.ContentEncoding,
            Expires = attributes.Expires,
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

        ctx.Response.StatusCode = 200;
        ctx.Response.Headers.ETag = obj.ETag;
        ctx.Response.Headers["x-oss-hash-crc64ecma"] = OssFormats.Decimal(obj.Crc64);
        ctx.Response.Headers["Content-MD5"] = Convert.ToBase64String(md5);
        ctx.Response.ContentLength = 0;
    }

    private async Task GetObjectAsync(HttpContext ctx, OssCall call, string bucket, string key, bool head)
    {
        if (!store.TryGet(bucket, key, out OssStoredObject obj))
        {
            throw OssError.NoSuchKey(key);
        }

        var response = ctx.Response;
        string? ifMatch = ctx.Request.Headers.IfMatch.ToString();
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && !OssFormats.SameETag(ifMatch, obj.ETag))
        {
            throw new OssError(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.", null, [("Condition", "If-Match")]);
        }

        string? ifNoneMatch = ctx.Request.Headers.IfNoneMatch.ToString();
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
        string range = ctx.Request.Headers.Range.ToString();
        if (range.Length > 0)
        {
            bool standard = string.Equals(ctx.Request.Headers["x-oss-range-behavior"].ToString(), "standard", StringComparison.OrdinalIgnoreCase);
            switch (ParseRange(range, obj.Size, out long from, out long to))
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
        await using Stream content = obj.OpenRead(start, length);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
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

    private enum RangeResult { Ignored, Satisfiable, Unsatisfiable }

    /// <summary>Parses the first range of <c>bytes=a-b</c>, <c>bytes=a-</c>, <c>bytes=-n</c>.</summary>
    private static RangeResult ParseRange(string header, long size, out long from, out long to)
    {
        from = to = 0;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return RangeResult.Ignored;
        string spec = header["bytes=".Length..].Split(',')[0].Trim();
        int dash = spec.IndexOf('-');
        if (dash < 0) return RangeResult.Ignored;
        string a = spec[..dash].Trim(), b = spec[(dash + 1)..].Trim();
        const NumberStyles n = NumberStyles.None;
        if (a.Length == 0)
        {
            if (!long.TryParse(b, n, CultureInfo.InvariantCulture, out long suffix)) return RangeResult.Ignored;
            if (suffix == 0 || size == 0) return RangeResult.Unsatisfiable;
            from = Math.Max(0, size - suffix);
            to = size - 1;
            return RangeResult.Satisfiable;
        }

        if (!long.TryParse(a, n, CultureInfo.InvariantCulture, out from)) return RangeResult.Ignored;
        if (b.Length == 0)
        {
            to = size - 1;
        }
        else
        {
            if (!long.TryParse(b, n, CultureInfo.InvariantCulture, out to) || to < from) return RangeResult.Ignored;
            to = Math.Min(to, size - 1);
        }

        return from >= size ? RangeResult.Unsatisfiable : RangeResult.Satisfiable;
    }

    private static void SetOptional(HttpResponse response, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) response.Headers[name] = value;
    }

    private Task DeleteObjectAsync(HttpContext ctx, string bucket, string key)
    {
        store.Delete(bucket, key);
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private ObjectAttributes ReadAttributes(HttpRequest request, bool includeAcl)
    {
        var attributes = new ObjectAttributes();
        string contentType = request.Headers.ContentType.ToString();
        if (contentType.Length > 0) attributes.ContentType = contentType;
        string storageClass = request.Headers["x-oss-storage-class"].ToString();
        if (storageClass.Length > 0)
        {
            attributes.StorageClass = StorageClasses.FirstOrDefault(s => string.Equals(s, storageClass, StringComparison.OrdinalIgnoreCase))
                ?? throw OssError.InvalidArgument("Invalid storage class.", "x-oss-storage-class", storageClass);
        }

        string acl = request.Headers["x-oss-object-acl"].ToString();
        if (acl.Length > 0)
        {
            attributes.Acl = Acls.FirstOrDefault(s => s == acl)
                ?? throw OssError.InvalidArgument("no such object access control exists", "x-oss-object-acl", acl);
            if (!includeAcl) attributes.Acl = "default";
        }

        string forbid = request.Headers["x-oss-forbid-overwrite"].ToString();
        attributes.ForbidOverwrite = string.Equals(forbid, "true", StringComparison.OrdinalIgnoreCase);
        int metadataBytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith("x-oss-meta-", StringComparison.OrdinalIgnoreCase) && name.Length > "x-oss-meta-".Length)
            {
                string metaName = name["x-oss-meta-".Length..].ToLowerInvariant();
                string value = values.ToString();
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

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    /// <summary>The decoded Content-MD5 header; a value that is not base64 of 16 bytes is InvalidDigest (EC 0017-00000502).</summary>
    private static byte[]? ParseContentMd5(HttpRequest request)
    {
        string value = request.Headers["Content-MD5"].ToString();
        if (value.Length == 0) return null;
        Span<byte> buffer = stackalloc byte[32];
        if (!Convert.TryFromBase64String(value.Trim(), buffer, out int written) || written != 16)
        {
            throw OssError.InvalidDigest("The Content-MD5 you specified is not valid.", "0017-00000502");
        }

        return buffer[..16].ToArray();
    }

    // ---------------------------------------------------------------- listing

    private async Task ListObjectsV2Async(HttpContext ctx, OssCall call, string bucket)
    {
        string prefix = call.QueryValue("prefix") ?? "";
        string? delimiter = NullIfEmpty(call.QueryValue("delimiter") ?? "");
        string? startAfter = NullIfEmpty(call.QueryValue("start-after") ?? "");
        string? token = NullIfEmpty(call.QueryValue("continuation-token") ?? "");
        string? encodingType = NullIfEmpty(call.QueryValue("encoding-type") ?? "");
        bool fetchOwner = string.Equals(call.QueryValue("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);
        int maxKeys = 100;
        if (call.QueryValue("max-keys") is { Length: > 0 } mk
            && (!int.TryParse(mk, NumberStyles.None, CultureInfo.InvariantCulture, out maxKeys) || maxKeys is < 1 or > 1000))
        {
            throw OssError.InvalidArgument("Argument max-keys must be an integer between 1 and 1000.", "max-keys", mk);
        }

        if (encodingType is not null && encodingType != "url")
        {
            throw OssError.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType);
        }

        string? marker = null;
        if (token is not null)
        {
            try
            {
                marker = Encoding.UTF8.GetString(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/').PadRight((token.Length + 3) / 4 * 4, '=')));
            }
            catch (FormatException)
            {
                throw OssError.InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
            }
        }

        var cmp = Utf8KeyComparer.Instance;
        var contents = new List<OssStoredObject>();
        var prefixes = new List<string>();
        string? last = null;
        bool truncated = false;
        foreach (string key in store.SortedKeys(bucket))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (marker is null && startAfter is not null && cmp.Compare(key, startAfter) <= 0) continue;
            string entry = key;
            bool isPrefix = false;
            if (delimiter is not null)
            {
                int idx = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (idx >= 0)
                {
                    entry = key[..(idx + delimiter.Length)];
                    isPrefix = true;
                }
            }

            if (marker is not null && cmp.Compare(entry, marker) <= 0) continue;
            if (isPrefix && entry == last) continue;
            if (contents.Count + prefixes.Count == maxKeys)
            {
                truncated = true;
                break;
            }

            if (isPrefix)
            {
                prefixes.Add(entry);
            }
            else if (store.TryGet(bucket, key, out var obj))
            {
                contents.Add(obj);
            }
            else
            {
                continue; // deleted meanwhile
            }

            last = entry;
        }

        bool url = encodingType == "url";
        string Enc(string s) => url ? OssUriEncoding.Encode(s) : s;
        var root = new XElement("ListBucketResult",
            new XElement("Name", bucket),
            new XElement("Prefix", Enc(prefix)),
            token is null ? null : new XElement("ContinuationToken", token),
            startAfter is null ? null : new XElement("StartAfter", Enc(startAfter)),
            new XElement("MaxKeys", maxKeys),
            delimiter is null ? null : new XElement("Delimiter", Enc(delimiter)),
            url ? new XElement("EncodingType", "url") : null,
            new XElement("IsTruncated", truncated ? "true" : "false"),
            truncated && last is not null ? new XElement("NextContinuationToken", EncodeToken(last)) : null,
            contents.Select(o => new XElement("Contents",
                new XElement("Key", Enc(o.Key)),
                new XElement("LastModified", OssFormats.IsoTime(o.LastModified)),
                new XElement("ETag", o.ETag),
                new XElement("Type", o.ObjectType),
                new XElement("Size", o.Size),
                new XElement("StorageClass", o.StorageClass),
                fetchOwner ? new XElement("Owner", new XElement("ID", o.WrittenBy), new XElement("DisplayName", o.WrittenBy)) : null)),
            prefixes.Select(p => new XElement("CommonPrefixes", new XElement("Prefix", Enc(p)))),
            new XElement("KeyCount", contents.Count + prefixes.Count));
        await WriteXmlAsync(ctx, 200, root).ConfigureAwait(false);
    }

    private static string EncodeToken(string marker) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(marker)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // ---------------------------------------------------------------- multipart

    private async Task InitiateAsync(HttpContext ctx, OssCall call, string bucket, string key, EmulatorCredential credential)
    {
        ObjectAttributes attributes = ReadAttributes(ctx.Request, includeAcl: false);
        if (attributes.ForbidOverwrite && store.TryGet(bucket, key, out _))
        {
            throw OssError.FileAlreadyExists();
        }

        MultipartUpload upload = store.StartUpload(bucket, key, credential.AccessKeyId, attributes, Now);
        bool url = call.QueryValue("encoding-type") == "url";
        await WriteXmlAsync(ctx, 200, new XElement("InitiateMultipartUploadResult",
            new XElement("Bucket", bucket),
            new XElement("Key", url ? OssUriEncoding.Encode(key) : key),
            new XElement("UploadId", upload.UploadId),
            url ? new XElement("EncodingType", "url") : null)).ConfigureAwait(false);
    }

    private async Task UploadPartAsync(HttpContext ctx, OssCall call, string bucket, string key)
    {
        string partText = call.QueryValue("partNumber") ?? "";
        if (!int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out int partNumber) || partNumber is < 1 or > 10000)
        {
            throw OssError.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive.", "PartNumber", partText, "0017-00000220");
        }

        string uploadId = call.QueryValue("uploadId") ?? "";
        MultipartUpload upload = store.GetUpload(bucket, key, uploadId);
        byte[]? expectedMd5 = ParseContentMd5(ctx.Request);
        if (ctx.Request.ContentLength is > MaxSingleObjectSize)
        {
            throw new OssError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed part size.");
        }

        using BodySink sink = store.CreateSink(ctx.Request.ContentLength);
        call.BodyConsumed = true;
        await sink.CopyFromAsync(ctx.Request.Body, ctx.RequestAborted).ConfigureAwait(false);
        byte[] md5 = sink.Md5();
        if (expectedMd5 is not null && !md5.AsSpan().SequenceEqual(expectedMd5))
        {
            throw OssError.InvalidDigest("The Content-MD5 you specified was invalid.");
        }

        Segment segment = await sink.CompleteAsync().ConfigureAwait(false);
        var part = new UploadedPart
        {
            PartNumber = partNumber,
            Segment = segment,
            Md5 = md5,
            Crc64 = sink.Crc64,
            ETag = OssFormats.ETag(md5),
            LastModified = Now,
        };
        store.PutPart(upload, part);
        ctx.Response.StatusCode = 200;
        ctx.Response.Headers.ETag = part.ETag;
        ctx.Response.Headers["x-oss-hash-crc64ecma"] = OssFormats.Decimal(part.Crc64);
        ctx.Response.Headers["Content-MD5"] = Convert.ToBase64String(md5);
        ctx.Response.ContentLength = 0;
    }

    private async Task CompleteAsync(HttpContext ctx, OssCall call, string bucket, string key, EmulatorCredential credential)
    {
        string uploadId = call.QueryValue("uploadId") ?? "";
        MultipartUpload upload = store.GetUpload(bucket, key, uploadId);
        string acl = ctx.Request.Headers["x-oss-object-acl"].ToString();
        if (acl.Length > 0 && !Acls.Contains(acl))
        {
            throw OssError.InvalidArgument("no such object access control exists", "x-oss-object-acl", acl);
        }

        bool forbid = upload.Attributes.ForbidOverwrite
            || string.Equals(ctx.Request.Headers["x-oss-forbid-overwrite"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        bool completeAll = string.Equals(ctx.Request.Headers["x-oss-complete-all"].ToString(), "yes", StringComparison.OrdinalIgnoreCase);
        byte[] body = await ReadSmallBodyAsync(ctx, call, 4 * 1024 * 1024).ConfigureAwait(false);

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

                if (!upload.Parts.TryGetValue(number, out UploadedPart? part) || !OssFormats.SameETag(eTag, part.ETag))
                {
                    throw new OssError(400, "InvalidPart",
                        "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.", null,
                        [("PartNumber", number.ToString(CultureInfo.InvariantCulture)), ("ETag", eTag)]);
                }

                parts.Add(part);
            }
        }

        for (int i = 0; i < parts.Count - 1; i++)
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

        ulong crc = parts[0].Crc64;
        for (int i = 1; i < parts.Count; i++) crc = Crc64Ecma.Combine(crc, parts[i].Crc64, parts[i].Size);
        byte[] allMd5 = parts.SelectMany(p => p.Md5).ToArray();
        string eTagValue = "\"" + Convert.ToHexString(MD5.HashData(allMd5)) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture) + "\"";
        ObjectAttributes a = upload.Attributes;
        var obj = new OssStoredObject(bucket, key, [.. parts.Select(p => p.Segment)])
        {
            ETag = eTagValue,
            Crc64 = crc,
            LastModified = Now,
            ContentType = a.ContentType,
            ObjectType = "Multipart",
            StorageClass = a.StorageClass,
            Acl = acl.Length > 0 ? acl : "default",
            UserMetadata = a.Metadata,
            CacheControl = a.CacheControl,
            ContentDisposition = a.ContentDisposition,
            ContentEncoding = a.ContentEncoding,
            Expires = a.Expires,
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
        bool url = call.QueryValue("encoding-type") == "url";
        string encodedKey = url ? OssUriEncoding.Encode(key) : key;
        await WriteXmlAsync(ctx, 200, new XElement("CompleteMultipartUploadResult",
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
        foreach (XElement part in root.Elements().Where(e => e.Name.LocalName == "Part"))
        {
            string? n = part.Elements().FirstOrDefault(e => e.Name.LocalName == "PartNumber")?.Value;
            string? eTag = part.Elements().FirstOrDefault(e => e.Name.LocalName == "ETag")?.Value;
            if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number is < 1 or > 10000 || string.IsNullOrEmpty(eTag))
            {
                throw OssError.MalformedXml("Each Part needs a PartNumber (1-10000) and an ETag.");
            }

            result.Add((number, eTag));
        }

        if (result.Count == 0) throw OssError.MalformedXml("No Part elements.");
        return result;
    }

    private Task AbortAsync(HttpContext ctx, OssCall call, string bucket, string key)
    {
        string uploadId = call.QueryValue("uploadId") ?? "";
        if (!store.AbortUpload(bucket, key, uploadId)) throw OssError.NoSuchUpload(uploadId);
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private static async Task<byte[]> ReadSmallBodyAsync(HttpContext ctx, OssCall call, int limit)
    {
        call.BodyConsumed = true;
        using var ms = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + n > limit) throw OssError.MalformedXml("The request body is too large.");
            ms.Write(buffer, 0, n);
        }

        return ms.ToArray();
    }

    // ---------------------------------------------------------------- responses

    private static async Task WriteXmlAsync(HttpContext ctx, int status, XElement root)
    {
        byte[] bytes = OssFormats.XmlBytes(root);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/xml";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
    }

    private async Task WriteErrorAsync(HttpContext ctx, OssCall call, OssError error)
    {
        if (ctx.Response.HasStarted)
        {
            ctx.Abort();
            return;
        }

        // Read what is left of the body (bounded) so the client sees the answer rather than a reset while sending.
        if (!call.BodyConsumed && (ctx.Request.ContentLength is > 0 and <= 64L * 1024 * 1024 || ctx.Request.Headers.TransferEncoding.Count > 0))
        {
            try { await DrainAsync(ctx, call).ConfigureAwait(false); }
            catch (IOException) { }
        }

        var response = ctx.Response;
        response.Clear();
        response.Headers["x-oss-request-id"] = call.RequestId;
        response.Headers.Server = "AliyunOSS";
        response.Headers.Date = OssFormats.HttpDate(Now);
        response.StatusCode = error.Status;
        if (error.Ec is not null) response.Headers["x-oss-ec"] = error.Ec;
        foreach (var (name, value) in error.Headers) response.Headers[name] = value;

        string hostId = call.Bucket is not null && store.BucketExists(call.Bucket)
            ? $"{call.Bucket}.oss-{options.Region}.aliyuncs.com" : $"oss-{options.Region}.aliyuncs.com";
        var root = new XElement("Error",
            new XElement("Code", error.Code),
            new XElement("Message", error.ErrorMessage),
            new XElement("RequestId", call.RequestId),
            new XElement("HostId", hostId),
            error.Extra.Select(e => new XElement(e.Name, e.Value)),
            error.Ec is null ? null : new XElement("EC", error.Ec),
            error.Ec is null ? null : new XElement("RecommendDoc", "https://api.aliyun.com/troubleshoot?q=" + error.Ec));
        byte[] bytes = OssFormats.XmlBytes(root);
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
