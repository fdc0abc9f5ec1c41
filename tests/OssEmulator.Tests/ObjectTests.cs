using System.Net;
using System.Text;
using System.Xml.Linq;
using FunctionCompute.Oss;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

public sealed class ObjectTests : IAsyncLifetime
{
    private OssEmulatorServer _emu = null!;
    private OssClient _client = null!;

    public async Task InitializeAsync()
    {
        _emu = await StartAsync();
        _client = Client(_emu);
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    [Fact]
    public async Task PutBytes_WithMetadataAclStorageClass_IsStoredAndReturnedByHeadAndGet()
    {
        var data = Encoding.UTF8.GetBytes("hello");
        var options = new PutObjectOptions
        {
            ContentType = "text/plain",
            Acl = OssObjectAcl.PublicRead,
            StorageClass = OssStorageClass.IA,
            CacheControl = "no-cache",
            ContentDisposition = "attachment; filename=\"h.txt\"",
        };
        options.Metadata["author"] = "alice";
        options.Metadata["Project"] = "X-1";

        var put = await _client.PutObjectAsync(Bucket, "docs/hello.txt", data, options);

        Assert.Equal(Md5ETag(data), put.ETag);
        Assert.Equal(11177612005948864433UL, put.Crc64); // oss.md §6 vector for "hello"
        Assert.False(string.IsNullOrEmpty(put.RequestId));
        var stored = _emu.Objects.Get(Bucket, "docs/hello.txt")!;
        Assert.Equal("public-read", stored.Acl);
        Assert.Equal("IA", stored.StorageClass);
        Assert.Equal("alice", stored.UserMetadata["author"]);
        Assert.Equal("X-1", stored.UserMetadata["project"]);
        Assert.Equal(Main.AccessKeyId, stored.WrittenBy);
        Assert.Equal("Normal", stored.ObjectType);

        var head = await _client.HeadObjectAsync(Bucket, "docs/hello.txt");
        Assert.Equal(5, head.ContentLength);
        Assert.Equal("text/plain", head.ContentType);
        Assert.Equal(put.ETag, head.ETag);
        Assert.Equal(put.Crc64, head.Crc64);
        Assert.Equal("IA", head.StorageClass);
        Assert.Equal("Normal", head.ObjectType);
        Assert.Equal("no-cache", head.CacheControl);
        Assert.Equal("attachment; filename=\"h.txt\"", head.ContentDisposition);
        Assert.Equal("alice", head.UserMetadata["author"]);
        Assert.Equal("X-1", head.UserMetadata["project"]);
        Assert.NotNull(head.LastModified);
        Assert.InRange(head.LastModified!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.False(string.IsNullOrEmpty(head.RequestId));

        await using var get = await _client.GetObjectAsync(Bucket, "docs/hello.txt");
        Assert.Equal(data, await get.ReadAllAsync());
        Assert.False(get.IsPartial);
        Assert.Equal("alice", get.Metadata.UserMetadata["author"]);
        Assert.Equal(5, get.Metadata.ContentLength);
    }

    [Fact]
    public async Task PutString_AndSeekableStream_RoundTrip()
    {
        await _client.PutObjectAsync(Bucket, "text/ü.txt", "grüße – 你好");
        Assert.Equal("text/plain; charset=utf-8", _emu.Objects.Get(Bucket, "text/ü.txt")!.ContentType);
        await using (var get = await _client.GetObjectAsync(Bucket, "text/ü.txt"))
        {
            Assert.Equal("grüße – 你好", Encoding.UTF8.GetString(await get.ReadAllAsync()));
        }

        var data = Bytes(300 * 1024);
        using var stream = new MemoryStream(data);
        var put = await _client.PutObjectAsync(Bucket, "bin/stream.bin", stream, new PutObjectOptions { ContentType = "application/x-test" });
        Assert.Equal(0, put.PartCount);
        Assert.Equal(Crc(data), put.Crc64);
        Assert.Equal(data, _emu.Objects.ReadAllBytes(Bucket, "bin/stream.bin"));
        Assert.Equal("application/x-test", _emu.Objects.Get(Bucket, "bin/stream.bin")!.ContentType);
        Assert.Empty(_emu.RequestsFor("UploadPart"));
    }

    [Fact]
    public async Task ForbidOverwrite_OnExistingKey_IsFileAlreadyExists_AndKeepsTheOldContent()
    {
        await _client.PutObjectAsync(Bucket, "once.txt", "first", new PutObjectOptions { ForbidOverwrite = true });
        await AssertFailsAsync(() => _client.PutObjectAsync(Bucket, "once.txt", "second", new PutObjectOptions { ForbidOverwrite = true }), 409, "FileAlreadyExists");
        Assert.Equal("first", Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, "once.txt")));

        await _client.PutObjectAsync(Bucket, "once.txt", "third"); // without the header, overwriting is allowed
        Assert.Equal("third", Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, "once.txt")));
    }

    [Fact]
    public async Task RangedGets_Return206WithContentRange_AndUnsatisfiableIs416()
    {
        var data = Bytes(1000);
        await _client.PutObjectAsync(Bucket, "range.bin", data);

        async Task<(byte[] Body, GetObjectResult R)> Get(OssByteRange range)
        {
            var r = await _client.GetObjectAsync(Bucket, "range.bin", new GetObjectOptions { Range = range });
            var body = await r.ReadAllAsync();
            await r.DisposeAsync();
            return (body, r);
        }

        var (b1, r1) = await Get(OssByteRange.Between(10, 19));
        Assert.True(r1.IsPartial);
        Assert.Equal(1000, r1.TotalLength);
        Assert.Equal(data[10..20], b1);
        Assert.Equal(data[990..], (await Get(OssByteRange.StartingAt(990))).Body);
        Assert.Equal(data[995..], (await Get(OssByteRange.Last(5))).Body);
        Assert.Equal(data[995..], (await Get(OssByteRange.Between(995, 5000))).Body); // end clamped
        Assert.Equal(data, (await Get(OssByteRange.Last(5000))).Body);              // suffix longer than the object

        await AssertFailsAsync(() => _client.GetObjectAsync(Bucket, "range.bin", new GetObjectOptions { Range = OssByteRange.StartingAt(1000) }), 416, "InvalidRange");

        // Without x-oss-range-behavior: standard, OSS ignores an unsatisfiable range and returns the whole object.
        using var raw = await SendRawAsync(_emu, "GET", Bucket, "range.bin", headers: [H("Range", "bytes=5000-6000")]);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(data, await raw.Content.ReadAsByteArrayAsync());

        using var partial = await SendRawAsync(_emu, "GET", Bucket, "range.bin", headers: [H("Range", "bytes=0-3")]);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("bytes 0-3/1000", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal(Crc(data).ToString(), Header(partial, "x-oss-hash-crc64ecma")); // always the whole object's CRC
    }

    [Fact]
    public async Task MissingKey_GetHasXmlBody_HeadHasNoBodyButXOssErr()
    {
        var e = await AssertFailsAsync(() => _client.HeadObjectAsync(Bucket, "nope.txt"), 404, "NoSuchKey");
        Assert.Equal("0026-00000001", e.Ec);
        await AssertFailsAsync(() => _client.GetObjectAsync(Bucket, "nope.txt"), 404, "NoSuchKey");

        using var head = await SendRawAsync(_emu, "HEAD", Bucket, "nope.txt");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        var err = XElement.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Header(head, "x-oss-err")!)));
        Assert.Equal("NoSuchKey", err.Element("Code")!.Value);
        Assert.Equal(Header(head, "x-oss-request-id"), err.Element("RequestId")!.Value);
        Assert.Equal("0026-00000001", Header(head, "x-oss-ec"));

        using var get = await SendRawAsync(_emu, "GET", Bucket, "nope.txt");
        var body = await ErrorXmlAsync(get);
        Assert.Equal("NoSuchKey", body.Element("Code")!.Value);
        Assert.Equal("0026-00000001", body.Element("EC")!.Value);
        Assert.NotNull(body.Element("HostId"));
    }

    [Fact]
    public async Task Delete_Is204AndIdempotent()
    {
        await _client.PutObjectAsync(Bucket, "del/me.txt", "x");
        using (var first = await SendRawAsync(_emu, "DELETE", Bucket, "del/me.txt"))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.False(string.IsNullOrEmpty(Header(first, "x-oss-request-id")));
        }

        using (var second = await SendRawAsync(_emu, "DELETE", Bucket, "del/me.txt"))
        {
            Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        }

        await _client.DeleteObjectAsync(Bucket, "del/me.txt");
        Assert.Null(_emu.Objects.Get(Bucket, "del/me.txt"));
        await AssertFailsAsync(() => _client.HeadObjectAsync(Bucket, "del/me.txt"), 404, "NoSuchKey");
    }

    [Theory]
    [InlineData("dir/a b+c.txt")]
    [InlineData("ü/ñ/中文 😀.txt")]
    [InlineData("100%25 real %41.txt")]
    [InlineData("a/../b/./c~!*'();:@&=$,?#[].txt")]
    public async Task SpecialCharacterKeys_RoundTrip(string key)
    {
        await _client.PutObjectAsync(Bucket, key, key);
        Assert.Equal(key, Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, key)));
        await using (var get = await _client.GetObjectAsync(Bucket, key))
        {
            Assert.Equal(key, Encoding.UTF8.GetString(await get.ReadAllAsync()));
        }

        Assert.Equal(Encoding.UTF8.GetByteCount(key), (await _client.HeadObjectAsync(Bucket, key)).ContentLength);
        await _client.DeleteObjectAsync(Bucket, key);
        Assert.Equal(0, _emu.Objects.Count);
    }

    [Fact]
    public async Task GetResponse_CarriesOssHeaders()
    {
        var data = Bytes(64);
        await _client.PutObjectAsync(Bucket, "h.bin", data);
        using var r = await SendRawAsync(_emu, "GET", Bucket, "h.bin");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(64, r.Content.Headers.ContentLength);
        Assert.NotNull(r.Content.Headers.LastModified);
        Assert.Equal(Md5ETag(data), r.Headers.ETag!.Tag);
        Assert.Equal(Crc(data).ToString(), Header(r, "x-oss-hash-crc64ecma"));
        Assert.Equal("application/octet-stream", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal("AliyunOSS", Header(r, "Server"));
        Assert.NotNull(r.Headers.Date);
    }
}
