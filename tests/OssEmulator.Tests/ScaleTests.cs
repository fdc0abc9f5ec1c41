using System.Security.Cryptography;
using System.Text;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using FunctionCompute.Oss.Integrity;
using Xunit.Abstractions;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

public sealed class ScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SixtyFourConcurrentPuts_EachWithItsOwnCredentials_AreStoredAndAttributed()
    {
        var creds = Enumerable.Range(0, 64).Select(i => i % 2 == 0
            ? new CloudCredentials($"AKID-{i:D2}", $"secret-{i:D2}-{Guid.NewGuid():N}")
            : new CloudCredentials($"STS.key-{i:D2}", $"secret-{i:D2}-{Guid.NewGuid():N}", $"token-{i:D2}-{Guid.NewGuid():N}")).ToList();
        await using var emu = await StartAsync(o =>
        {
            foreach (var c in creds) o.Credentials.Add(new EmulatorCredential(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken));
        });
        var client = Client(emu, new CloudCredentials("AKID-nobody", "unused")); // every call overrides it

        using var start = new ManualResetEventSlim();
        var puts = creds.Select((c, i) => Task.Run(async () =>
        {
            start.Wait();
            var options = new PutObjectOptions { Credentials = c };
            options.Metadata["index"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await client.PutObjectAsync(Bucket, $"tenant/{i:D2}.bin", Bytes(4096 + i, seed: i), options);
        })).ToArray();
        start.Set();
        await Task.WhenAll(puts);

        Assert.Equal(64, emu.Objects.Count);
        for (var i = 0; i < 64; i++)
        {
            var obj = emu.Objects.Get(Bucket, $"tenant/{i:D2}.bin")!;
            Assert.Equal(creds[i].AccessKeyId, obj.WrittenBy);
            Assert.Equal(Bytes(4096 + i, seed: i), emu.Objects.ReadAllBytes(Bucket, obj.Key));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), obj.UserMetadata["index"]);
        }

        Assert.All(emu.RequestsFor("PutObject"), r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(64, emu.RequestsFor("PutObject").Select(r => r.AccessKeyId).Distinct().Count());

        // Credentials are not interchangeable: key 0's secret with key 1's id fails.
        var mixed = new PutObjectOptions { Credentials = new CloudCredentials(creds[2].AccessKeyId, creds[0].AccessKeySecret) };
        await AssertFailsAsync(() => client.PutObjectAsync(Bucket, "mixed", Bytes(1), mixed), 403, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task TwoHundredMegabytes_FromANonSeekableStream_GoMultipart_WithBoundedMemory()
    {
        const long size = 200L * 1024 * 1024;
        await using var emu = await StartAsync();
        var client = Client(emu);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var source = new GeneratedStream(size);
        var put = await client.PutObjectAsync(Bucket, "big/200mb.bin", source);
        var uploadAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        var expectedParts = (int)(size / (8 * 1024 * 1024));
        Assert.Equal(expectedParts, put.PartCount);
        Assert.Equal(expectedParts, emu.RequestsFor("UploadPart").Count(r => r.StatusCode == 200));
        Assert.Single(emu.RequestsFor("InitiateMultipartUpload"));
        Assert.Single(emu.RequestsFor("CompleteMultipartUpload"));
        Assert.Empty(emu.RequestsFor("PutObject"));
        Assert.EndsWith($"-{expectedParts}\"", put.ETag);
        Assert.Equal(source.Crc64, put.Crc64);

        var stored = emu.Objects.Get(Bucket, "big/200mb.bin")!;
        Assert.Equal(size, stored.Size);
        Assert.Equal(source.Crc64, stored.Crc64);

        // Neither side materialised the object: one copy of it alone would be 200 MB. (Measured ~70 MB: the
        // client's pooled part buffers; the limit is loose on purpose.)
        Assert.True(uploadAllocated < size * 3 / 4, $"upload allocated {uploadAllocated / (1024 * 1024)} MB");

        // Stream it back: SHA-256 and CRC-64 of what arrives must match what was generated.
        var getBefore = GC.GetTotalAllocatedBytes(precise: true);
        await using var get = await client.GetObjectAsync(Bucket, "big/200mb.bin");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        ulong crc = 0;
        long total = 0;
        int n;
        while ((n = await get.Content.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            crc = Crc64Ecma.Compute(buffer.AsSpan(0, n), crc);
            total += n;
        }

        var getAllocated = GC.GetTotalAllocatedBytes(precise: true) - getBefore;
        output.WriteLine($"allocated: upload {uploadAllocated / (1024 * 1024)} MB, download {getAllocated / (1024 * 1024)} MB (object {size / (1024 * 1024)} MB)");
        Assert.Equal(size, total);
        Assert.Equal(source.Sha256(), sha.GetHashAndReset());
        Assert.Equal(source.Crc64, crc);
        Assert.Equal(size, get.Metadata.ContentLength);
        Assert.True(getAllocated < size / 4, $"download allocated {getAllocated / (1024 * 1024)} MB");
    }

    [Fact]
    public async Task DataDirectory_PersistsObjectsAcrossRestarts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "oss-emu-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var small = Encoding.UTF8.GetBytes("persisted");
            byte[][] parts = [Bytes(150 * 1024, 5), Bytes(150 * 1024, 6), Bytes(3, 7)];
            await using (var first = await StartAsync(o => o.DataDirectory = dir))
            {
                Assert.True(first.Objects.IsPersistent);
                var c = Client(first, Sts);
                var options = new PutObjectOptions { ContentType = "text/x-test" };
                options.Metadata["m"] = "1";
                await c.PutObjectAsync(Bucket, "keep/ü small.txt", small, options);
                await c.PutObjectAsync(Bucket, "gone.txt", "bye");
                var id = await c.InitiateMultipartUploadAsync(Bucket, "keep/multi.bin");
                var uploaded = new List<OssUploadedPart>();
                for (var i = 0; i < parts.Length; i++) uploaded.Add(await c.UploadPartAsync(Bucket, "keep/multi.bin", id, i + 1, parts[i]));
                await c.CompleteMultipartUploadAsync(Bucket, "keep/multi.bin", id, uploaded);
                await c.DeleteObjectAsync(Bucket, "gone.txt");
                await c.InitiateMultipartUploadAsync(Bucket, "never-completed.bin");
            }

            await using var second = await StartAsync(o => o.DataDirectory = dir);
            Assert.Equal(2, second.Objects.Count);
            Assert.Equal(0, second.Objects.PendingUploadCount);
            var obj = second.Objects.Get(Bucket, "keep/ü small.txt")!;
            Assert.Equal(Sts.AccessKeyId, obj.WrittenBy);
            Assert.Equal("1", obj.UserMetadata["m"]);
            var client = Client(second);
            await using (var get = await client.GetObjectAsync(Bucket, "keep/ü small.txt"))
            {
                Assert.Equal(small, await get.ReadAllAsync());
                Assert.Equal("text/x-test", get.Metadata.ContentType);
            }

            await using (var get = await client.GetObjectAsync(Bucket, "keep/multi.bin"))
            {
                byte[] expected = [.. parts[0], .. parts[1], .. parts[2]];
                Assert.Equal(expected, await get.ReadAllAsync());
                Assert.Equal("Multipart", get.Metadata.ObjectType);
            }

            await AssertFailsAsync(() => client.HeadObjectAsync(Bucket, "gone.txt"), 404, "NoSuchKey");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
