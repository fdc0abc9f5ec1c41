using System.Net;
using System.Text;
using FunctionCompute.Oss;
using FunctionCompute.Oss.Integrity;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

public sealed class MultipartTests : IAsyncLifetime
{
    private const int Kib = 1024;
    private OssEmulatorServer _emu = null!;
    private OssClient _client = null!;

    public async Task InitializeAsync()
    {
        _emu = await StartAsync();
        _client = Client(_emu);
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    [Fact]
    public async Task InitiateUploadComplete_StoresConcatenation_WithMultipartETagAndCombinedCrc()
    {
        byte[][] parts = [Bytes(200 * Kib, 1), Bytes(150 * Kib, 2), Bytes(10 * Kib, 3)];
        var options = new PutObjectOptions { ContentType = "video/mp4", StorageClass = OssStorageClass.Archive };
        options.Metadata["kind"] = "mp";
        var uploadId = await _client.InitiateMultipartUploadAsync(Bucket, "mp/video bin.mp4", options);
        Assert.Equal(1, _emu.Objects.PendingUploadCount);

        var uploaded = new List<OssUploadedPart>();
        for (var i = 0; i < parts.Length; i++)
        {
            var p = await _client.UploadPartAsync(Bucket, "mp/video bin.mp4", uploadId, i + 1, parts[i]);
            Assert.Equal(Md5ETag(parts[i]), p.ETag);
            uploaded.Add(p);
        }

        var done = await _client.CompleteMultipartUploadAsync(Bucket, "mp/video bin.mp4", uploadId, uploaded,
            new PutObjectOptions { Acl = OssObjectAcl.Private });

        byte[] all = [.. parts[0], .. parts[1], .. parts[2]];
        Assert.Matches("^\"[0-9A-F]{32}-3\"$", done.ETag);
        Assert.Equal(Crc64Ecma.Compute(all), done.Crc64);
        Assert.Equal(3, done.PartCount);
        Assert.Equal(0, _emu.Objects.PendingUploadCount);

        var stored = _emu.Objects.Get(Bucket, "mp/video bin.mp4")!;
        Assert.Equal("Multipart", stored.ObjectType);
        Assert.Equal(3, stored.PartCount);
        Assert.Equal("private", stored.Acl);
        Assert.Equal("Archive", stored.StorageClass);
        Assert.Equal("mp", stored.UserMetadata["kind"]);
        Assert.Equal(all.Length, stored.Size);

        await using var get = await _client.GetObjectAsync(Bucket, "mp/video bin.mp4");
        Assert.Equal(all, await get.ReadAllAsync()); // the client's CRC stream verified it too
        Assert.Equal("Multipart", get.Metadata.ObjectType);
        Assert.Equal("video/mp4", get.Metadata.ContentType);

        // A range crossing the first part boundary is served across segments.
        await using var range = await _client.GetObjectAsync(Bucket, "mp/video bin.mp4",
            new GetObjectOptions { Range = OssByteRange.Between(200 * Kib - 5, 200 * Kib + 4) });
        Assert.Equal(all[(200 * Kib - 5)..(200 * Kib + 5)], await range.ReadAllAsync());
    }

    [Fact]
    public async Task Abort_ThenUploadOrComplete_IsNoSuchUpload()
    {
        var uploadId = await _client.InitiateMultipartUploadAsync(Bucket, "ab.bin");
        var p1 = await _client.UploadPartAsync(Bucket, "ab.bin", uploadId, 1, Bytes(200 * Kib));
        await _client.AbortMultipartUploadAsync(Bucket, "ab.bin", uploadId);
        Assert.Equal(0, _emu.Objects.PendingUploadCount);

        await AssertFailsAsync(() => _client.UploadPartAsync(Bucket, "ab.bin", uploadId, 2, Bytes(10)), 404, "NoSuchUpload");
        await AssertFailsAsync(() => _client.CompleteMultipartUploadAsync(Bucket, "ab.bin", uploadId, [p1]), 404, "NoSuchUpload");
        await AssertFailsAsync(() => _client.AbortMultipartUploadAsync(Bucket, "ab.bin", uploadId), 404, "NoSuchUpload");
        await AssertFailsAsync(() => _client.UploadPartAsync(Bucket, "ab.bin", "0123456789ABCDEF0123456789ABCDEF", 1, Bytes(10)), 404, "NoSuchUpload");
        Assert.Null(_emu.Objects.Get(Bucket, "ab.bin"));

        // An upload id belongs to its key.
        var other = await _client.InitiateMultipartUploadAsync(Bucket, "one.bin");
        await AssertFailsAsync(() => _client.UploadPartAsync(Bucket, "two.bin", other, 1, Bytes(10)), 404, "NoSuchUpload");
    }

    [Fact]
    public async Task WrongETag_IsInvalidPart_AndTheUploadSurvives()
    {
        var uploadId = await _client.InitiateMultipartUploadAsync(Bucket, "ip.bin");
        var p1 = await _client.UploadPartAsync(Bucket, "ip.bin", uploadId, 1, Bytes(120 * Kib));
        var p2 = await _client.UploadPartAsync(Bucket, "ip.bin", uploadId, 2, Bytes(5));

        await AssertFailsAsync(() => _client.CompleteMultipartUploadAsync(Bucket, "ip.bin", uploadId, [p1, p2 with { ETag = "\"00000000000000000000000000000000\"" }]), 400, "InvalidPart");
        await AssertFailsAsync(() => _client.CompleteMultipartUploadAsync(Bucket, "ip.bin", uploadId, [p1, p2 with { PartNumber = 3 }]), 400, "InvalidPart");
        Assert.Equal(1, _emu.Objects.PendingUploadCount);

        var ok = await _client.CompleteMultipartUploadAsync(Bucket, "ip.bin", uploadId, [p1, p2]);
        Assert.EndsWith("-2\"", ok.ETag);
    }

    [Fact]
    public async Task DescendingPartList_IsInvalidPartOrder_AndSmallPart_IsEntityTooSmall()
    {
        var uploadId = await _client.InitiateMultipartUploadAsync(Bucket, "order.bin");
        var p1 = await _client.UploadPartAsync(Bucket, "order.bin", uploadId, 1, Bytes(10));
        var p2 = await _client.UploadPartAsync(Bucket, "order.bin", uploadId, 2, Bytes(10));
        var xml = $"<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>{p2.ETag}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>{p1.ETag}</ETag></Part></CompleteMultipartUpload>";
        using var r = await SendRawAsync(_emu, "POST", Bucket, "order.bin", [Q("uploadId", uploadId)],
            [H("Content-Type", "application/xml")], Encoding.UTF8.GetBytes(xml));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var doc = await ErrorXmlAsync(r);
        Assert.Equal("InvalidPartOrder", doc.Element("Code")!.Value);
        Assert.Equal("0042-00000209", doc.Element("EC")!.Value);

        await AssertFailsAsync(() => _client.CompleteMultipartUploadAsync(Bucket, "order.bin", uploadId, [p1, p2]), 400, "EntityTooSmall");

        using var bad = await SendRawAsync(_emu, "POST", Bucket, "order.bin", [Q("uploadId", uploadId)], body: Encoding.UTF8.GetBytes("<oops"));
        Assert.Equal("MalformedXML", (await ErrorXmlAsync(bad)).Element("Code")!.Value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("x")]
    public async Task PartNumberOutOfRange_IsInvalidArgument(string partNumber)
    {
        var uploadId = await _client.InitiateMultipartUploadAsync(Bucket, "pn.bin");
        using var r = await SendRawAsync(_emu, "PUT", Bucket, "pn.bin", [Q("partNumber", partNumber), Q("uploadId", uploadId)], body: [1, 2, 3]);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var doc = await ErrorXmlAsync(r);
        Assert.Equal("InvalidArgument", doc.Element("Code")!.Value);
        Assert.Equal("0017-00000220", doc.Element("EC")!.Value);
        Assert.Equal(partNumber, doc.Element("ArgumentValue")!.Value);
    }

    [Fact]
    public async Task ForbidOverwrite_AtComplete_IsFileAlreadyExists()
    {
        var uploadId = await _client.InitiateMultipartUploadAsync(Bucket, "fo.bin");
        var p1 = await _client.UploadPartAsync(Bucket, "fo.bin", uploadId, 1, Bytes(10));
        await _client.PutObjectAsync(Bucket, "fo.bin", "meanwhile");
        var e = await AssertFailsAsync(() => _client.CompleteMultipartUploadAsync(Bucket, "fo.bin", uploadId, [p1], new PutObjectOptions { ForbidOverwrite = true }),
            409, "FileAlreadyExists");
        Assert.Equal("0042-00000214", e.Ec);
        Assert.Equal("meanwhile", Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, "fo.bin")));
    }
}
