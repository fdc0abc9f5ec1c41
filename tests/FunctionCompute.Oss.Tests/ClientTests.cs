using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FunctionCompute.Credentials;
using FunctionCompute.Oss.Integrity;
using FunctionCompute.Oss.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Oss.Tests;

public sealed class ClientTests : IAsyncLifetime
{
    private const string Bucket = "examplebucket";
    private static readonly CloudCredentials Default = new("default-ak", "default-secret", "default-token");
    private FakeOssServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOssServer.StartAsync();
        _server.AddCredentials(Default.AccessKeyId, Default.AccessKeySecret);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OssClient Client(Action<OssClientOptions>? configure = null, HttpClient? http = null, CloudCredentials? credentials = null)
    {
        var options = new OssClientOptions
        {
            Endpoint = _server.Endpoint,
            Region = "cn-hangzhou",
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            RetryMaxDelay = TimeSpan.FromMilliseconds(50),
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return new OssClient(options, new StaticCredentialsProvider(credentials ?? Default), http);
    }

    private static byte[] RandomBytes(int n, int seed = 1)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static async Task<byte[]> ReadAllAsync(GetObjectResult r)
    {
        using var ms = new MemoryStream();
        await r.Content.CopyToAsync(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task PutGetHeadDeleteRoundTripWithSignedRequests()
    {
        var client = Client();
        const string key = "dir/hello world+ü.txt";
        var options = new PutObjectOptions { ContentType = "text/plain", Acl = OssObjectAcl.PublicRead, StorageClass = OssStorageClass.IA, ForbidOverwrite = true };
        options.Metadata["Author"] = "alice";
        var put = await client.PutObjectAsync(Bucket, key, "hello", options);

        Assert.Equal(Crc64Ecma.Compute("hello"u8), put.Crc64);
        Assert.Equal("\"5D41402ABC4B2A76B9719D911017C592\"", put.ETag);
        var rec = Assert.Single(_server.Requests);
        Assert.Equal("/examplebucket/dir/hello%20world%2B%C3%BC.txt", rec.RawTarget);
        Assert.Equal(key, rec.Key);
        Assert.True(rec.SignatureValid);
        Assert.Equal("XUFAKrxLKna5cZ2REBfFkg==", rec.Header("Content-MD5"));
        Assert.Equal("public-read", rec.Header("x-oss-object-acl"));
        Assert.Equal("IA", rec.Header("x-oss-storage-class"));
        Assert.Equal("true", rec.Header("x-oss-forbid-overwrite"));
        Assert.Equal("alice", rec.Header("x-oss-meta-author"));
        Assert.Equal("UNSIGNED-PAYLOAD", rec.Header("x-oss-content-sha256"));
        Assert.Equal("default-token", rec.Header("x-oss-security-token"));
        Assert.StartsWith("OSS4-HMAC-SHA256 Credential=default-ak/", rec.Header("Authorization"));

        var head = await client.HeadObjectAsync(Bucket, key);
        Assert.Equal(5, head.ContentLength);
        Assert.Equal("text/plain", head.ContentType);
        Assert.Equal("alice", head.UserMetadata["author"]);
        Assert.Equal(put.Crc64, head.Crc64);

        await using (var get = await client.GetObjectAsync(Bucket, key))
        {
            Assert.False(get.IsPartial);
            Assert.Equal("hello", Encoding.UTF8.GetString(await ReadAllAsync(get)));
        }

        var again = await Assert.ThrowsAsync<OssException>(() => client.PutObjectAsync(Bucket, key, "other", new PutObjectOptions { ForbidOverwrite = true }));
        Assert.Equal("FileAlreadyExists", again.Code);

        await client.DeleteObjectAsync(Bucket, key);
        var missing = await Assert.ThrowsAsync<OssException>(() => client.HeadObjectAsync(Bucket, key));
        Assert.True(missing.IsNotFound);
        Assert.Equal("NoSuchKey", missing.Code);
        Assert.Equal("0026-00000001", missing.Ec);
        Assert.All(_server.Requests, r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task StandardObjectHeadersAreSentOnceAndSigned()
    {
        var options = new PutObjectOptions
        {
            ContentType = "application/json",
            CacheControl = "no-cache",
            ContentDisposition = "attachment; filename=\"a.json\"",
            ContentEncoding = "identity",
        };
        await Client().PutObjectAsync(Bucket, "headers.json", "{}"u8.ToArray(), options);
        var rec = Assert.Single(_server.Requests);
        Assert.Equal("application/json", rec.Header("Content-Type"));
        Assert.Equal("no-cache", rec.Header("Cache-Control"));
        Assert.Equal("attachment; filename=\"a.json\"", rec.Header("Content-Disposition"));
        Assert.Equal("identity", rec.Header("Content-Encoding"));
        Assert.Equal("2", rec.Header("Content-Length"));
        Assert.True(rec.SignatureValid);
    }

    [Fact]
    public async Task VirtualHostedStyleSendsBucketInHostAndSignsWithRegionFromEndpoint()
    {
        // Resolve every host to the fake server: no DNS, loopback only.
        var port = _server.Port;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        var client = new OssClient(new OssClientOptions { Endpoint = $"http://oss-cn-shanghai-internal.aliyuncs.com:{port}" },
            new StaticCredentialsProvider(Default), http);
        Assert.Equal("cn-shanghai", client.Region);

        await client.PutObjectAsync(Bucket, "a b.txt", "x");
        var rec = Assert.Single(_server.Requests);
        Assert.Equal($"examplebucket.oss-cn-shanghai-internal.aliyuncs.com:{port}", rec.Host);
        Assert.Equal("/a%20b.txt", rec.RawTarget);
        Assert.Equal("cn-shanghai", rec.Authorization!.Region);
        Assert.True(rec.SignatureValid);
    }

    [Fact]
    public async Task ServiceUnavailableIsRetriedThenSucceeds()
    {
        _server.ScriptError(r => r.Method == "PUT", 503, "ServiceUnavailable");
        _server.ScriptError(r => r.Method == "PUT", 500, "InternalError");
        var result = await Client().PutObjectAsync(Bucket, "k", RandomBytes(1000));
        Assert.Equal(3, _server.RequestsFor("PUT").Count);
        Assert.Equal(Crc64Ecma.Compute(RandomBytes(1000)), result.Crc64);
        // Each attempt is signed afresh and all carry the full body.
        Assert.All(_server.RequestsFor("PUT"), r => Assert.True(r.SignatureValid));
        Assert.True(_server.Objects.ContainsKey("examplebucket/k"));
    }

    [Fact]
    public async Task ThrottlingIsRetriedButGivesUpAfterMaxRetries()
    {
        for (var i = 0; i < 5; i++) _server.ScriptError(r => r.Method == "GET", 429, "Throttling");
        var ex = await Assert.ThrowsAsync<OssException>(() => Client(o => o.MaxRetries = 3).GetObjectAsync(Bucket, "k"));
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(4, _server.RequestsFor("GET").Count);
    }

    [Fact]
    public async Task ClientErrorsAreNotRetriedAndCarryTheXmlFields()
    {
        _server.ScriptError(r => r.Method == "PUT", 404, "NoSuchBucket", "The specified bucket does not exist.");
        var ex = await Assert.ThrowsAsync<OssException>(() => Client().PutObjectAsync(Bucket, "k", "v"));
        Assert.Single(_server.Requests);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("NoSuchBucket", ex.Code);
        Assert.Equal("The specified bucket does not exist.", ex.ErrorMessage);
        Assert.Equal("req-NoSuchBucket", ex.RequestId);
        Assert.Equal("fake.host", ex.HostId);
        Assert.Equal("0000-00000404", ex.Ec);
    }

    [Fact]
    public async Task ResetConnectionIsRetried()
    {
        _server.Script(r => r.Method == "PUT", (ctx, _, _) =>
        {
            ctx.Abort();
            return Task.CompletedTask;
        });
        var data = RandomBytes(200_000);
        await Client().PutObjectAsync(Bucket, "reset", new MemoryStream(data));
        Assert.Equal(2, _server.RequestsFor("PUT").Count);
        Assert.Equal(data, _server.Objects["examplebucket/reset"].Data);
    }

    [Fact]
    public async Task AttemptTimeoutIsRetried()
    {
        // The first GET never answers; the retry must then fit in one attempt's timeout, so that is generous (a loaded CI
        // machine took over 300 ms for it once).
        _server.Script(r => r.Method == "GET", async (ctx, _, _) => await Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        await Client().PutObjectAsync(Bucket, "slow", "data");
        await using var r = await Client(o => o.RequestTimeout = TimeSpan.FromSeconds(2)).GetObjectAsync(Bucket, "slow");
        Assert.Equal("data", Encoding.UTF8.GetString(await ReadAllAsync(r)));
        Assert.Equal(2, _server.RequestsFor("GET").Count);
    }

    [Fact]
    public async Task NonSeekableStreamIsStreamedOnceAndNotRetried()
    {
        _server.ScriptError(r => r.Method == "PUT", 503, "ServiceUnavailable");
        var data = RandomBytes(50_000);
        var ex = await Assert.ThrowsAsync<OssException>(() =>
            Client().PutObjectAsync(Bucket, "ns", new NonSeekableStream(data), new PutObjectOptions { ContentLength = data.Length }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Single(_server.Requests);

        // Same stream type succeeds when the server is healthy; no Content-MD5 since the body was never buffered.
        await Client().PutObjectAsync(Bucket, "ns", new NonSeekableStream(data), new PutObjectOptions { ContentLength = data.Length });
        Assert.Equal(data, _server.Objects["examplebucket/ns"].Data);
        Assert.Null(_server.RequestsFor("PUT")[^1].Header("Content-MD5"));
    }

    [Fact]
    public async Task ClockSkewIsCorrectedFromDateHeaderAndRetriedOnce()
    {
        var clientClock = new FixedTimeProvider(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var serverTime = new DateTimeOffset(2030, 5, 5, 12, 0, 0, TimeSpan.Zero);
        _server.ScriptError(r => r.Method == "PUT", 403, "RequestTimeTooSkewed", "skewed",
            headers: h => h.Headers.Date = serverTime.ToString("r", CultureInfo.InvariantCulture));
        var client = Client(o => o.TimeProvider = clientClock);

        await client.PutObjectAsync(Bucket, "skew", "x");
        var puts = _server.RequestsFor("PUT");
        Assert.Equal(2, puts.Count);
        Assert.Equal("20010101T000000Z", puts[0].Header("x-oss-date"));
        Assert.Equal("20300505T120000Z", puts[1].Header("x-oss-date"));
        Assert.True(puts[1].SignatureValid);
        Assert.Equal(serverTime - clientClock.GetUtcNow(), client.ClockOffset);

        // The offset sticks for later requests.
        await client.HeadObjectAsync(Bucket, "skew");
        Assert.Equal("20300505T120000Z", _server.Requests.Last().Header("x-oss-date"));
    }

    [Fact]
    public async Task ClockSkewPrefersServerTimeElementAndRetriesOnlyOnce()
    {
        var clientClock = new FixedTimeProvider(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < 4; i++)
        {
            _server.ScriptError(r => r.Method == "DELETE", 403, "RequestTimeTooSkewed", "skewed", extraXml: "<ServerTime>2029-02-03T04:05:06.000Z</ServerTime>");
        }

        var ex = await Assert.ThrowsAsync<OssException>(() => Client(o => o.TimeProvider = clientClock).DeleteObjectAsync(Bucket, "k"));
        Assert.Equal("RequestTimeTooSkewed", ex.Code);
        var deletes = _server.RequestsFor("DELETE");
        Assert.Equal(2, deletes.Count);
        Assert.Equal("20290203T040506Z", deletes[1].Header("x-oss-date"));
    }

    [Fact]
    public async Task WrongCrcOnDownloadThrowsWhenTheBodyIsRead()
    {
        var client = Client();
        await client.PutObjectAsync(Bucket, "crc", RandomBytes(100_000));
        _server.Script(r => r.Method == "GET", (ctx, _, next) =>
        {
            ctx.Response.OnStarting(() =>
            {
                ctx.Response.Headers["x-oss-hash-crc64ecma"] = "12345";
                return Task.CompletedTask;
            });
            return next();
        });
        await using var r = await client.GetObjectAsync(Bucket, "crc");
        var ex = await Assert.ThrowsAsync<OssIntegrityException>(() => r.Content.CopyToAsync(Stream.Null));
        Assert.Equal(12345UL, ex.ExpectedCrc64);
        Assert.Equal(Crc64Ecma.Compute(RandomBytes(100_000)), ex.ActualCrc64);
    }

    [Fact]
    public async Task WrongCrcOnUploadIsRetriedThenReported()
    {
        for (var i = 0; i < 3; i++)
        {
            _server.Script(r => r.Method == "PUT", (ctx, _, next) =>
            {
                ctx.Response.OnStarting(() =>
                {
                    ctx.Response.Headers["x-oss-hash-crc64ecma"] = "999";
                    return Task.CompletedTask;
                });
                return next();
            });
        }

        var ex = await Assert.ThrowsAsync<OssIntegrityException>(() => Client().PutObjectAsync(Bucket, "crc-up", new MemoryStream(RandomBytes(10_000))));
        Assert.Equal(999UL, ex.ExpectedCrc64);
        Assert.Equal(3, _server.RequestsFor("PUT").Count);
    }

    [Fact]
    public async Task StreamingPutDoesNotBufferTheWholeStream()
    {
        const int total = 4 * 1024 * 1024, gate = 1024 * 1024;
        _server.SignalAfterBodyBytes = 256 * 1024;
        var stream = new GatedStream(total, gate, _server.BodyBytesReached.Task);
        var r = await Client().PutObjectAsync(Bucket, "big-stream", stream);
        Assert.True(stream.GateWasOpenedByServer, "the server saw body bytes before the client had read past the gate");
        Assert.Equal(total, _server.Objects["examplebucket/big-stream"].Data.Length);
        Assert.Equal(Crc64Ecma.Compute(GatedStream.Expected(total)), r.Crc64);
        Assert.Equal(0, r.PartCount);
    }

    [Fact]
    public async Task RangesAreRequestedWithStandardBehaviour()
    {
        var client = Client();
        var data = RandomBytes(1000);
        await client.PutObjectAsync(Bucket, "range", data);

        await using (var r = await client.GetObjectAsync(Bucket, "range", new GetObjectOptions { Range = OssByteRange.Between(10, 19) }))
        {
            Assert.True(r.IsPartial);
            Assert.Equal(1000, r.TotalLength);
            Assert.Equal(data[10..20], await ReadAllAsync(r));
        }

        await using (var r = await client.GetObjectAsync(Bucket, "range", new GetObjectOptions { Range = OssByteRange.Last(5) }))
        {
            Assert.Equal(data[995..], await ReadAllAsync(r));
        }

        await using (var r = await client.GetObjectAsync(Bucket, "range", new GetObjectOptions { Range = OssByteRange.StartingAt(990) }))
        {
            Assert.Equal(data[990..], await ReadAllAsync(r));
        }

        var gets = _server.RequestsFor("GET");
        Assert.Equal(["bytes=10-19", "bytes=-5", "bytes=990-"], gets.Select(g => g.Header("Range")));
        Assert.All(gets, g => Assert.Equal("standard", g.Header("x-oss-range-behavior")));

        var ex = await Assert.ThrowsAsync<OssException>(() => client.GetObjectAsync(Bucket, "range", new GetObjectOptions { Range = OssByteRange.StartingAt(5000) }));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, ex.StatusCode);
    }

    [Fact]
    public async Task ListingPagesThroughEverythingAndDecodesKeys()
    {
        var client = Client();
        var keys = Enumerable.Range(0, 23).Select(i => $"list/{i:D2}").Concat(["list/a b+c ü.txt", "list/x/y%z"]).ToList();
        await Task.WhenAll(keys.Select(k => client.PutObjectAsync(Bucket, k, k)));
        await client.PutObjectAsync(Bucket, "other/file", "no");
        var before = _server.Requests.Count;

        var pages = new List<ListObjectsV2Page>();
        await foreach (var page in client.ListObjectsV2PagesAsync(Bucket, new ListObjectsV2Options { Prefix = "list/", MaxKeys = 10 }))
        {
            pages.Add(page);
        }

        Assert.Equal(3, pages.Count);
        Assert.Equal([true, true, false], pages.Select(p => p.IsTruncated));
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), pages.SelectMany(p => p.Objects).Select(o => o.Key));
        var lists = _server.Requests.Skip(before).ToList();
        Assert.Equal(3, lists.Count);
        Assert.All(lists, l => Assert.Equal("url", l.QueryValue("encoding-type")));
        Assert.Null(lists[0].QueryValue("continuation-token"));
        Assert.Equal("tok:" + pages[0].Objects[^1].Key, lists[1].QueryValue("continuation-token"));
        Assert.All(lists, l => Assert.True(l.SignatureValid));

        var flat = new List<string>();
        await foreach (var o in client.ListObjectsAsync(Bucket, new ListObjectsV2Options { Prefix = "list/", MaxKeys = 7 }))
        {
            flat.Add(o.Key);
            Assert.Equal(Encoding.UTF8.GetByteCount(o.Key), o.Size);
        }

        Assert.Equal(keys.Count, flat.Count);
    }

    [Fact]
    public async Task LargeStreamsUploadInParallelParts()
    {
        _server.PartDelay = TimeSpan.FromMilliseconds(100);
        var client = Client(o =>
        {
            o.PartSize = 256 * 1024;
            o.MultipartThreshold = 512 * 1024;
            o.MultipartParallelism = 3;
        });
        var data = RandomBytes(3 * 1024 * 1024 + 12345);
        var r = await client.PutObjectAsync(Bucket, "multi/obj", new MemoryStream(data), new PutObjectOptions { Acl = OssObjectAcl.Private });

        Assert.Equal(13, r.PartCount);
        Assert.Equal(data, _server.Objects["examplebucket/multi/obj"].Data);
        Assert.Equal(Crc64Ecma.Compute(data), r.Crc64);
        Assert.InRange(_server.MaxPartsInFlight, 2, 3);
        Assert.Single(_server.Requests, x => x.Method == "POST" && x.HasQuery("uploads"));
        Assert.Equal("private", Assert.Single(_server.Requests, x => x.Method == "POST" && x.HasQuery("uploadId")).Header("x-oss-object-acl"));
        Assert.All(_server.Requests, x => Assert.True(x.SignatureValid));
        Assert.All(_server.RequestsFor("PUT"), x => Assert.NotNull(x.Header("Content-MD5")));
    }

    [Fact]
    public async Task NonSeekableStreamOfUnknownLengthChoosesSingleOrMultipart()
    {
        var client = Client(o => { o.PartSize = 128 * 1024; o.MultipartParallelism = 2; });
        var small = RandomBytes(1000);
        var one = await client.PutObjectAsync(Bucket, "u/small", new NonSeekableStream(small));
        Assert.Equal(0, one.PartCount);
        Assert.NotNull(_server.RequestsFor("PUT")[^1].Header("Content-MD5"));

        var big = RandomBytes(600 * 1024, seed: 3);
        var many = await client.PutObjectAsync(Bucket, "u/big", new NonSeekableStream(big));
        Assert.Equal(5, many.PartCount);
        Assert.Equal(big, _server.Objects["examplebucket/u/big"].Data);
    }

    [Fact]
    public async Task AFailingPartAbortsTheUpload()
    {
        _server.ScriptError(r => r.Method == "PUT" && r.QueryValue("partNumber") == "3", 400, "InvalidArgument", "bad part");
        var client = Client(o => { o.PartSize = 128 * 1024; o.MultipartThreshold = 200 * 1024; o.MultipartParallelism = 2; });
        var ex = await Assert.ThrowsAsync<OssException>(() => client.PutObjectAsync(Bucket, "abort/me", new MemoryStream(RandomBytes(1024 * 1024))));
        Assert.Equal("InvalidArgument", ex.Code);
        var uploadId = Assert.Single(_server.AbortedUploads);
        Assert.Equal(uploadId, _server.Requests.Single(r => r.Method == "DELETE").QueryValue("uploadId"));
        Assert.False(_server.Objects.ContainsKey("examplebucket/abort/me"));
        Assert.DoesNotContain(_server.Requests, r => r.Method == "POST" && r.HasQuery("uploadId"));
    }

    [Fact]
    public async Task SixtyFourConcurrentPutsNeverMixCredentials()
    {
        var creds = Enumerable.Range(0, 64).Select(i => new CloudCredentials($"ak-{i:D2}", $"secret-{i}", $"token-{i}")).ToArray();
        foreach (var c in creds) _server.AddCredentials(c.AccessKeyId, c.AccessKeySecret);
        var shared = Client();

        await Task.WhenAll(creds.Select((c, i) => Task.Run(() =>
            shared.PutObjectAsync(Bucket, $"tenant/{i}", $"payload-{i}", new PutObjectOptions { Credentials = c }))));

        var puts = _server.RequestsFor("PUT");
        Assert.Equal(64, puts.Count);
        foreach (var r in puts)
        {
            var i = int.Parse(r.Key!["tenant/".Length..], CultureInfo.InvariantCulture);
            Assert.Equal(creds[i].AccessKeyId, r.Authorization!.AccessKeyId);
            Assert.Equal(creds[i].SecurityToken, r.Header("x-oss-security-token"));
            Assert.True(r.SignatureValid);
            Assert.Equal($"payload-{i}", Encoding.UTF8.GetString(_server.Objects[$"examplebucket/tenant/{i}"].Data));
        }
    }

    [Fact]
    public async Task ErrorsNeverExposeTheSecretOrTokenEvenWhenTheServerEchoesThem()
    {
        var creds = new CloudCredentials("echo-ak", "echo-secret-value", "echo-token-value");
        _server.Script(r => true, async (ctx, rec, _) =>
        {
            ctx.Response.StatusCode = 403;
            await FakeOssServer.WriteXmlAsync(ctx,
                $"<Error><Code>SignatureDoesNotMatch</Code><Message>token was {rec.Header("x-oss-security-token")}</Message><CanonicalRequest>x-oss-security-token:{rec.Header("x-oss-security-token")}</CanonicalRequest><Secret>{creds.AccessKeySecret}</Secret></Error>");
        });
        var ex = await Assert.ThrowsAsync<OssException>(() => Client(credentials: creds).PutObjectAsync(Bucket, "k", "v"));
        var text = ex.ToString() + string.Join("|", ex.Details.Values);
        Assert.Equal("SignatureDoesNotMatch", ex.Code);
        Assert.DoesNotContain("echo-token-value", text);
        Assert.DoesNotContain("echo-secret-value", text);
        Assert.Contains("token was ***", text);
    }

    [Fact]
    public async Task AnonymousCredentialsSendNoAuthorization()
    {
        _server.Script(r => true, (ctx, rec, _) =>
        {
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        await Client(credentials: CloudCredentials.None).DeleteObjectAsync(Bucket, "public");
        Assert.Null(Assert.Single(_server.Requests).Header("Authorization"));
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
