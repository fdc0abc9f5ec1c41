using System.Net;
using System.Xml.Linq;
using FunctionCompute.Oss;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

public sealed class ListTests : IAsyncLifetime
{
    private OssEmulatorServer _emu = null!;
    private OssClient _client = null!;

    public async Task InitializeAsync()
    {
        _emu = await StartAsync();
        _client = Client(_emu);
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    private async Task PutAllAsync(params string[] keys)
    {
        foreach (var k in keys) await _client.PutObjectAsync(Bucket, k, "v:" + k);
    }

    [Fact]
    public async Task Paging_FollowsContinuationTokens()
    {
        var keys = Enumerable.Range(0, 25).Select(i => $"page/k{i:D2}").ToArray();
        await PutAllAsync(keys);
        await _client.PutObjectAsync(OtherBucket, "page/elsewhere", "x");
        _emu.ClearRequests();

        var first = await _client.ListObjectsV2Async(Bucket, new ListObjectsV2Options { Prefix = "page/", MaxKeys = 10 });
        Assert.True(first.IsTruncated);
        Assert.Equal(10, first.KeyCount);
        Assert.Equal(keys[..10], first.Objects.Select(o => o.Key));
        Assert.False(string.IsNullOrEmpty(first.NextContinuationToken));
        Assert.Equal(Bucket, first.Bucket);

        var all = new List<OssObjectSummary>();
        await foreach (var o in _client.ListObjectsAsync(Bucket, new ListObjectsV2Options { Prefix = "page/", MaxKeys = 7 })) all.Add(o);
        Assert.Equal(keys, all.Select(o => o.Key));
        Assert.All(all, o => Assert.Equal(Md5ETag(System.Text.Encoding.UTF8.GetBytes("v:" + o.Key)), o.ETag));
        Assert.All(all, o => Assert.Equal("Standard", o.StorageClass));
        Assert.Equal(5, _emu.RequestsFor("ListObjectsV2").Count); // 1 + ceil(25/7)
    }

    [Fact]
    public async Task Delimiter_GroupsCommonPrefixes_AndPagesOverThem()
    {
        await PutAllAsync("a/1", "a/2", "a/b/3", "b/4", "c");

        var root = await _client.ListObjectsV2Async(Bucket, new ListObjectsV2Options { Delimiter = "/" });
        Assert.Equal(["c"], root.Objects.Select(o => o.Key));
        Assert.Equal(["a/", "b/"], root.CommonPrefixes);
        Assert.Equal(3, root.KeyCount);

        var a = await _client.ListObjectsV2Async(Bucket, new ListObjectsV2Options { Prefix = "a/", Delimiter = "/" });
        Assert.Equal(["a/1", "a/2"], a.Objects.Select(o => o.Key));
        Assert.Equal(["a/b/"], a.CommonPrefixes);

        var entries = new List<string>();
        await foreach (var page in _client.ListObjectsV2PagesAsync(Bucket, new ListObjectsV2Options { Delimiter = "/", MaxKeys = 1 }))
        {
            entries.AddRange(page.CommonPrefixes);
            entries.AddRange(page.Objects.Select(o => o.Key));
        }

        Assert.Equal(["a/", "b/", "c"], entries);

        var after = await _client.ListObjectsV2Async(Bucket, new ListObjectsV2Options { StartAfter = "a/2" });
        Assert.Equal(["a/b/3", "b/4", "c"], after.Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task SpecialCharacterKeys_ListDecodedInUtf8Order()
    {
        string[] keys = ["sp ace.txt", "plus+sign.txt", "ü/ñ.txt", "emoji😀.txt", "percent%20.txt", "a/b/c.txt", "\uE000private.txt", "amp&lt;<>\"'.txt"];
        await PutAllAsync(keys);
        var listed = new List<string>();
        await foreach (var o in _client.ListObjectsAsync(Bucket, new ListObjectsV2Options { MaxKeys = 3 })) listed.Add(o.Key);

        // OSS orders by UTF-8 bytes: U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80), unlike UTF-16 ordinal order.
        var expected = keys.OrderBy(k => System.Text.Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToArray();
        Assert.Equal(expected, listed);
        Assert.True(Array.IndexOf(expected, "\uE000private.txt") > Array.IndexOf(expected, "ü/ñ.txt"));

        var prefixed = await _client.ListObjectsV2Async(Bucket, new ListObjectsV2Options { Prefix = "ü/" });
        Assert.Equal(["ü/ñ.txt"], prefixed.Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task RawListing_EncodingTypeUrlEncodesKeys_OtherwiseXmlEscapes()
    {
        await PutAllAsync("sp ace/+.txt");
        using var encoded = await SendRawAsync(_emu, "GET", Bucket, null, [Q("list-type", "2"), Q("encoding-type", "url"), Q("fetch-owner", "true")]);
        Assert.Equal(HttpStatusCode.OK, encoded.StatusCode);
        var doc = XElement.Parse(await encoded.Content.ReadAsStringAsync());
        Assert.Equal("url", doc.Element("EncodingType")!.Value);
        Assert.Equal("sp%20ace%2F%2B.txt", doc.Element("Contents")!.Element("Key")!.Value);
        Assert.Equal(Main.AccessKeyId, doc.Element("Contents")!.Element("Owner")!.Element("ID")!.Value);

        using var plain = await SendRawAsync(_emu, "GET", Bucket, null, [Q("list-type", "2")]);
        var doc2 = XElement.Parse(await plain.Content.ReadAsStringAsync());
        Assert.Null(doc2.Element("EncodingType"));
        Assert.Equal("sp ace/+.txt", doc2.Element("Contents")!.Element("Key")!.Value);
        Assert.Equal("100", doc2.Element("MaxKeys")!.Value);
        Assert.Equal(DateTimeOffset.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), doc2.Element("Contents")!.Element("LastModified")!.Value[..4]);
    }

    [Theory]
    [InlineData("max-keys", "0")]
    [InlineData("max-keys", "1001")]
    [InlineData("encoding-type", "base64")]
    [InlineData("continuation-token", "!!not-a-token!!")]
    public async Task InvalidListArguments_AreInvalidArgument(string name, string value)
    {
        using var r = await SendRawAsync(_emu, "GET", Bucket, null, [Q("list-type", "2"), Q(name, value)]);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("InvalidArgument", (await ErrorXmlAsync(r)).Element("Code")!.Value);
    }
}
