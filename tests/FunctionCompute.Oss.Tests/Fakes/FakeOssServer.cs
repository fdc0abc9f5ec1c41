using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using FunctionCompute.Oss.Integrity;
using FunctionCompute.Oss.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Oss.Tests.Fakes;

/// <summary>What the fake saw of one request.</summary>
public sealed class RecordedRequest
{
    public required string Method { get; init; }
    public required string RawTarget { get; init; }
    public required string Host { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }
    public required List<KeyValuePair<string, string?>> Query { get; init; }
    public required Dictionary<string, string> Headers { get; init; }
    internal OssV4Authorization? Authorization { get; set; } // internal type: only servers parse the header
    public bool? SignatureValid { get; set; }
    public long BodyLength { get; set; }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    public string? QueryValue(string name) => Query.FirstOrDefault(q => q.Key == name).Value;
    public bool HasQuery(string name) => Query.Any(q => q.Key == name);
}

public sealed record StoredObject(byte[] Data, string? ContentType, Dictionary<string, string> Metadata, string ETag, ulong Crc64);

/// <summary>
/// A small in-memory OSS on Kestrel (127.0.0.1, ephemeral port). It verifies V4 signatures with
/// <see cref="OssV4Signer"/>, records every request, and lets a test script one-shot responses.
/// </summary>
public sealed class FakeOssServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(Func<RecordedRequest, bool> Match, Func<HttpContext, RecordedRequest, Func<Task>, Task> Handle)> _scripts = [];
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, byte[]>> _uploads = new();
    private int _partsInFlight;
    private long _bodyBytes;

    public ConcurrentDictionary<string, string> Secrets { get; } = new();
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public ConcurrentDictionary<string, StoredObject> Objects { get; } = new();
    public ConcurrentQueue<string> AbortedUploads { get; } = new();
    public int MaxPartsInFlight;
    public TimeSpan PartDelay { get; set; } = TimeSpan.Zero;
    public string Endpoint { get; private set; } = "";

    /// <summary>Completed once the server has received this many body bytes in total.</summary>
    public long SignalAfterBodyBytes { get; set; } = long.MaxValue;
    public TaskCompletionSource BodyBytesReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeOssServer(WebApplication app) => _app = app;

    public static async Task<FakeOssServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new FakeOssServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public int Port => new Uri(Endpoint).Port;

    public void AddCredentials(string accessKeyId, string secret) => Secrets[accessKeyId] = secret;

    /// <summary>The next request matching <paramref name="match"/> is handled by <paramref name="handle"/> (which may call next()).</summary>
    public void Script(Func<RecordedRequest, bool> match, Func<HttpContext, RecordedRequest, Func<Task>, Task> handle)
    {
        lock (_scripts) _scripts.Add((match, handle));
    }

    public void ScriptError(Func<RecordedRequest, bool> match, int status, string code, string message = "scripted", Action<HttpResponse>? headers = null, string extraXml = "") =>
        Script(match, async (ctx, _, _) =>
        {
            ctx.Response.StatusCode = status;
            headers?.Invoke(ctx.Response);
            await WriteXmlAsync(ctx, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>req-{code}</RequestId><HostId>fake.host</HostId><EC>0000-{status:D8}</EC>{extraXml}</Error>");
        });

    public List<RecordedRequest> RequestsFor(string method) => Requests.Where(r => r.Method == method).ToList();

    private async Task HandleAsync(HttpContext ctx)
    {
        var rec = Record(ctx);
        Requests.Enqueue(rec);
        ctx.Response.Headers["x-oss-request-id"] = Guid.NewGuid().ToString("N");
        Verify(rec);

        Func<HttpContext, RecordedRequest, Func<Task>, Task>? script = null;
        lock (_scripts)
        {
            var i = _scripts.FindIndex(s => s.Match(rec));
            if (i >= 0)
            {
                script = _scripts[i].Handle;
                _scripts.RemoveAt(i);
            }
        }

        if (script is not null) await script(ctx, rec, () => ProcessAsync(ctx, rec));
        else await ProcessAsync(ctx, rec);
    }

    private static RecordedRequest Record(HttpContext ctx)
    {
        var raw = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var host = ctx.Request.Host.Host;
        var q = raw.IndexOf('?');
        var path = q < 0 ? raw : raw[..q];
        var query = q < 0 ? "" : raw[(q + 1)..];
        var pathStyle = IPAddress.TryParse(host, out _) || host == "localhost";
        string? bucket;
        string? key;
        if (pathStyle)
        {
            var rest = path.TrimStart('/');
            var slash = rest.IndexOf('/');
            bucket = slash < 0 ? (rest.Length == 0 ? null : rest) : rest[..slash];
            key = slash < 0 ? null : Uri.UnescapeDataString(rest[(slash + 1)..]);
        }
        else
        {
            bucket = host.Split('.')[0];
            key = Uri.UnescapeDataString(path.TrimStart('/'));
        }

        var queryList = new List<KeyValuePair<string, string?>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            queryList.Add(eq < 0
                ? new(Uri.UnescapeDataString(part), null)
                : new(Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..])));
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers) headers[h.Key] = h.Value.ToString();
        return new RecordedRequest
        {
            Method = ctx.Request.Method,
            RawTarget = raw,
            Host = ctx.Request.Host.Value ?? "",
            Bucket = bucket,
            Key = string.IsNullOrEmpty(key) ? null : key,
            Query = queryList,
            Headers = headers,
        };
    }

    private void Verify(RecordedRequest rec)
    {
        if (!OssV4Authorization.TryParse(rec.Header("Authorization"), out var auth))
        {
            return;
        }

        rec.Authorization = auth;
        var signing = new OssSigningRequest(rec.Method, rec.Bucket, rec.Key);
        signing.Query.AddRange(rec.Query);
        foreach (var (k, v) in rec.Headers) signing.AddHeader(k, v);
        rec.SignatureValid = Secrets.TryGetValue(auth!.AccessKeyId, out var secret) && OssV4Signer.Verify(signing, auth, secret);
    }

    private async Task ProcessAsync(HttpContext ctx, RecordedRequest rec)
    {
        if (rec.SignatureValid != true)
        {
            ctx.Response.StatusCode = 403;
            await WriteXmlAsync(ctx, "<Error><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message><RequestId>sig</RequestId></Error>");
            return;
        }

        var method = rec.Method;
        var id = $"{rec.Bucket}/{rec.Key}";
        if (method == "GET" && rec.Key is null && rec.QueryValue("list-type") == "2") { await ListAsync(ctx, rec); return; }
        if (method == "POST" && rec.HasQuery("uploads")) { await InitiateAsync(ctx, rec); return; }
        if (method == "PUT" && rec.HasQuery("uploadId")) { await UploadPartAsync(ctx, rec); return; }
        if (method == "POST" && rec.HasQuery("uploadId")) { await CompleteAsync(ctx, rec); return; }
        if (method == "DELETE" && rec.HasQuery("uploadId"))
        {
            var uploadId = rec.QueryValue("uploadId")!;
            _uploads.TryRemove(uploadId, out _);
            AbortedUploads.Enqueue(uploadId);
            ctx.Response.StatusCode = 204;
            return;
        }

        switch (method)
        {
            case "PUT":
            {
                var body = await ReadBodyAsync(ctx, rec);
                if (rec.Header("Content-MD5") is { } md5 && md5 != Convert.ToBase64String(MD5.HashData(body)))
                {
                    ctx.Response.StatusCode = 400;
                    await WriteXmlAsync(ctx, "<Error><Code>InvalidDigest</Code><Message>md5</Message></Error>");
                    return;
                }

                if (rec.Header("x-oss-forbid-overwrite") == "true" && Objects.ContainsKey(id))
                {
                    ctx.Response.StatusCode = 409;
                    await WriteXmlAsync(ctx, "<Error><Code>FileAlreadyExists</Code><Message>exists</Message></Error>");
                    return;
                }

                var meta = rec.Headers.Where(h => h.Key.StartsWith("x-oss-meta-", StringComparison.OrdinalIgnoreCase))
                    .ToDictionary(h => h.Key["x-oss-meta-".Length..].ToLowerInvariant(), h => h.Value);
                var obj = Store(id, body, rec.Header("Content-Type"), meta);
                ctx.Response.Headers.ETag = obj.ETag;
                ctx.Response.Headers["x-oss-hash-crc64ecma"] = obj.Crc64.ToString(CultureInfo.InvariantCulture);
                return;
            }
            case "GET":
            case "HEAD":
                await GetAsync(ctx, rec, id, method == "HEAD");
                return;
            case "DELETE":
                Objects.TryRemove(id, out _);
                ctx.Response.StatusCode = 204;
                return;
        }

        ctx.Response.StatusCode = 400;
    }

    private StoredObject Store(string id, byte[] body, string? contentType, Dictionary<string, string> meta)
    {
        var obj = new StoredObject(body, contentType, meta, "\"" + Convert.ToHexString(MD5.HashData(body)) + "\"", Crc64Ecma.Compute(body));
        Objects[id] = obj;
        return obj;
    }

    private async Task GetAsync(HttpContext ctx, RecordedRequest rec, string id, bool head)
    {
        if (!Objects.TryGetValue(id, out var obj))
        {
            ctx.Response.StatusCode = 404;
            var xml = "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>nk</RequestId><EC>0026-00000001</EC></Error>";
            if (head) ctx.Response.Headers["x-oss-err"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml));
            else await WriteXmlAsync(ctx, xml);
            return;
        }

        ctx.Response.Headers.ETag = obj.ETag;
        ctx.Response.Headers["x-oss-hash-crc64ecma"] = obj.Crc64.ToString(CultureInfo.InvariantCulture);
        ctx.Response.Headers["x-oss-object-type"] = "Normal";
        ctx.Response.Headers.LastModified = "Mon, 23 Nov 2026 10:00:00 GMT";
        if (obj.ContentType is not null) ctx.Response.ContentType = obj.ContentType;
        foreach (var (k, v) in obj.Metadata) ctx.Response.Headers["x-oss-meta-" + k] = v;

        long start = 0, end = obj.Data.Length - 1;
        if (rec.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            var p = range["bytes=".Length..].Split('-');
            if (p[0].Length == 0) { start = Math.Max(0, obj.Data.Length - long.Parse(p[1], CultureInfo.InvariantCulture)); }
            else
            {
                start = long.Parse(p[0], CultureInfo.InvariantCulture);
                if (p[1].Length > 0) end = Math.Min(end, long.Parse(p[1], CultureInfo.InvariantCulture));
            }

            if (start >= obj.Data.Length)
            {
                ctx.Response.StatusCode = 416;
                await WriteXmlAsync(ctx, "<Error><Code>InvalidRange</Code><Message>range</Message></Error>");
                return;
            }

            ctx.Response.StatusCode = 206;
            ctx.Response.Headers.ContentRange = $"bytes {start}-{end}/{obj.Data.Length}";
        }

        ctx.Response.ContentLength = end - start + 1;
        if (!head) await ctx.Response.Body.WriteAsync(obj.Data.AsMemory((int)start, (int)(end - start + 1)));
    }

    private async Task ListAsync(HttpContext ctx, RecordedRequest rec)
    {
        var prefix = rec.QueryValue("prefix") ?? "";
        var max = int.Parse(rec.QueryValue("max-keys") ?? "100", CultureInfo.InvariantCulture);
        var token = rec.QueryValue("continuation-token");
        var after = token is null ? rec.QueryValue("start-after") ?? "" : token["tok:".Length..];
        var url = rec.QueryValue("encoding-type") == "url";
        string Enc(string s) => url ? OssUriEncoding.Encode(s) : s;
        var keys = Objects.Keys.Where(k => k.StartsWith(rec.Bucket + "/", StringComparison.Ordinal))
            .Select(k => k[(rec.Bucket!.Length + 1)..]).Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(k, after) > 0)
            .OrderBy(k => k, StringComparer.Ordinal).ToList();
        var page = keys.Take(max).ToList();
        var truncated = keys.Count > max;
        var root = new XElement("ListBucketResult",
            new XElement("Name", rec.Bucket),
            new XElement("Prefix", Enc(prefix)),
            new XElement("MaxKeys", max),
            url ? new XElement("EncodingType", "url") : null,
            new XElement("IsTruncated", truncated ? "true" : "false"),
            truncated ? new XElement("NextContinuationToken", Enc("tok:" + page[^1])) : null,
            page.Select(k => new XElement("Contents",
                new XElement("Key", Enc(k)),
                new XElement("LastModified", "2026-11-23T10:00:00.000Z"),
                new XElement("ETag", Objects[rec.Bucket + "/" + k].ETag),
                new XElement("Type", "Normal"),
                new XElement("Size", Objects[rec.Bucket + "/" + k].Data.Length),
                new XElement("StorageClass", "Standard"))),
            new XElement("KeyCount", page.Count));
        await WriteXmlAsync(ctx, root.ToString());
    }

    private async Task InitiateAsync(HttpContext ctx, RecordedRequest rec)
    {
        var uploadId = "up-" + Guid.NewGuid().ToString("N");
        _uploads[uploadId] = new ConcurrentDictionary<int, byte[]>();
        await WriteXmlAsync(ctx, new XElement("InitiateMultipartUploadResult",
            new XElement("Bucket", rec.Bucket), new XElement("Key", rec.Key), new XElement("UploadId", uploadId)).ToString());
    }

    private async Task UploadPartAsync(HttpContext ctx, RecordedRequest rec)
    {
        var now = Interlocked.Increment(ref _partsInFlight);
        try
        {
            int seen;
            while ((seen = Volatile.Read(ref MaxPartsInFlight)) < now && Interlocked.CompareExchange(ref MaxPartsInFlight, now, seen) != seen) { }
            if (PartDelay > TimeSpan.Zero) await Task.Delay(PartDelay);
            var body = await ReadBodyAsync(ctx, rec);
            if (!_uploads.TryGetValue(rec.QueryValue("uploadId")!, out var parts))
            {
                ctx.Response.StatusCode = 404;
                await WriteXmlAsync(ctx, "<Error><Code>NoSuchUpload</Code><Message>no upload</Message></Error>");
                return;
            }

            if (rec.Header("Content-MD5") is { } md5 && md5 != Convert.ToBase64String(MD5.HashData(body)))
            {
                ctx.Response.StatusCode = 400;
                await WriteXmlAsync(ctx, "<Error><Code>InvalidDigest</Code><Message>md5</Message></Error>");
                return;
            }

            parts[int.Parse(rec.QueryValue("partNumber")!, CultureInfo.InvariantCulture)] = body;
            ctx.Response.Headers.ETag = "\"" + Convert.ToHexString(MD5.HashData(body)) + "\"";
            ctx.Response.Headers["x-oss-hash-crc64ecma"] = Crc64Ecma.Compute(body).ToString(CultureInfo.InvariantCulture);
        }
        finally
        {
            Interlocked.Decrement(ref _partsInFlight);
        }
    }

    private async Task CompleteAsync(HttpContext ctx, RecordedRequest rec)
    {
        var body = await ReadBodyAsync(ctx, rec);
        if (!_uploads.TryRemove(rec.QueryValue("uploadId")!, out var parts))
        {
            ctx.Response.StatusCode = 404;
            await WriteXmlAsync(ctx, "<Error><Code>NoSuchUpload</Code><Message>no upload</Message></Error>");
            return;
        }

        var doc = XElement.Parse(Encoding.UTF8.GetString(body));
        using var all = new MemoryStream();
        var last = 0;
        foreach (var part in doc.Elements("Part"))
        {
            var n = int.Parse(part.Element("PartNumber")!.Value, CultureInfo.InvariantCulture);
            var etag = part.Element("ETag")!.Value;
            if (n <= last || !parts.TryGetValue(n, out var data) || etag != "\"" + Convert.ToHexString(MD5.HashData(data)) + "\"")
            {
                ctx.Response.StatusCode = 400;
                await WriteXmlAsync(ctx, "<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>");
                return;
            }

            last = n;
            all.Write(data);
        }

        var obj = Store($"{rec.Bucket}/{rec.Key}", all.ToArray(), null, new());
        ctx.Response.Headers["x-oss-hash-crc64ecma"] = obj.Crc64.ToString(CultureInfo.InvariantCulture);
        await WriteXmlAsync(ctx, new XElement("CompleteMultipartUploadResult",
            new XElement("Bucket", rec.Bucket), new XElement("Key", rec.Key), new XElement("ETag", "\"MULTI-" + doc.Elements("Part").Count() + "\"")).ToString());
    }

    public async Task<byte[]> ReadBodyAsync(HttpContext ctx, RecordedRequest rec)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(buffer)) > 0)
        {
            ms.Write(buffer, 0, n);
            if (Interlocked.Add(ref _bodyBytes, n) >= SignalAfterBodyBytes) BodyBytesReached.TrySetResult();
        }

        rec.BodyLength = ms.Length;
        return ms.ToArray();
    }

    public static async Task WriteXmlAsync(HttpContext ctx, string xml)
    {
        ctx.Response.ContentType = "application/xml";
        await ctx.Response.WriteAsync(xml);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
