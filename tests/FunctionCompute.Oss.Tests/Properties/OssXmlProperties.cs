using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using CsCheck;
using FunctionCompute.Credentials;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss.Tests.Properties;

/// <summary>The OSS XML parsers (error documents, listings, multipart answers) over generated and broken documents.</summary>
[Trait("Category", "Property")]
public class OssXmlProperties
{
    private static readonly string[] NoSecrets = [];

    private static string ShowSurrogates(string text) =>
        string.Concat(text.Select(c => char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }

        return true;
    }

    private static readonly Gen<string> Text = TextGen.XmlText(30);

    /// <summary>What a parser reading element text gives back: the text itself, whitespace included.</summary>
    private static string ExpectedText(string text) => text;

    private static string? ExpectedOptional(string text) => ExpectedText(text) is { Length: > 0 } t ? t : null;

    /// <summary>Builds a document with XElement so every value is escaped as XML requires.</summary>
    private static string Document(string root, IEnumerable<XElement> children, bool withNamespace = false)
    {
        var ns = withNamespace ? "http://doc.oss-cn-hangzhou.aliyuncs.com" : XNamespace.None;
        var element = new XElement(ns + root, children.Select(c => new XElement(ns + c.Name.LocalName, c.Nodes())));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element.ToString(SaveOptions.DisableFormatting);
    }

    private static readonly Gen<(string Code, string Message, string RequestId, string HostId, string Ec, (string Name, string Value)[] Extra, bool Namespaced)> ErrorFields =
        Gen.Select(
            Gen.Select(Text, Text, Text, Text, Text),
            Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 10].Select(n => "X" + n), Text).Array[0, 4],
            Gen.Bool,
            (f, extra, ns) => (f.Item1, f.Item2, f.Item3, f.Item4, f.Item5, extra.DistinctBy(e => e.Item1).ToArray(), ns));

    [Fact]
    public void Error_documents_round_trip_their_fields()
    {
        ErrorFields.Sample(f =>
        {
            var xml = Document("Error",
            [
                new XElement("Code", f.Code), new XElement("Message", f.Message), new XElement("RequestId", f.RequestId),
                new XElement("HostId", f.HostId), new XElement("EC", f.Ec), .. f.Extra.Select(e => new XElement(e.Name, e.Value)),
            ], f.Namespaced);
            var e = OssErrorParser.Parse(HttpStatusCode.Forbidden, xml, null, NoSecrets);
            Assert.Equal(ExpectedOptional(f.Code) ?? OssErrorParser.BadErrorResponse, e.Code);
            Assert.Equal(ExpectedOptional(f.Message), e.ErrorMessage);
            Assert.Equal(ExpectedOptional(f.RequestId), e.RequestId);
            Assert.Equal(ExpectedOptional(f.HostId), e.HostId);
            Assert.Equal(ExpectedOptional(f.Ec), e.Ec);
            foreach (var (name, value) in f.Extra) Assert.Equal(ExpectedText(value), e.Details[name]);
            Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        }, iter: 1000);
    }

    // A realistic document: the secret and token appear where OSS echoes a request (the string to sign, the message).
    private static readonly Gen<(string Xml, string Secret, string Token)> ErrorWithSecrets =
        from secret in Gen.String[Gen.Char.AlphaNumeric, 16, 30]
        from token in Gen.String[Gen.Char.AlphaNumeric, 16, 30].Select(t => "CAIS" + t)
        from prefix in Text
        from suffix in Text
        select (Document("Error",
        [
            new XElement("Code", "SignatureDoesNotMatch"),
            new XElement("Message", prefix + secret + suffix),
            new XElement("StringToSign", "x-oss-security-token:" + token + "\n" + suffix),
            new XElement("SignatureProvided", token + secret),
            new XElement("ServerTime", prefix),
        ]), secret, token);

    // Cut anywhere, a character replaced anywhere, or doubled; always whole characters, as a decoded HTTP body is.
    private static Gen<string> Broken(Gen<string> documents) =>
        from xml in documents
        from kind in Gen.Int[0, 2]
        from anywhere in Gen.Int[0, Math.Max(0, xml.Length - 1)]
        let position = anywhere > 0 && anywhere < xml.Length && char.IsLowSurrogate(xml[anywhere]) ? anywhere - 1 : anywhere
        from replacement in Gen.Char["<>&;/\"'=?!-x \u0001"]
        select kind switch
        {
            0 => xml[..position],
            1 => xml.Remove(position, Math.Min(char.IsHighSurrogate(xml, position) ? 2 : 1, xml.Length - position)).Insert(position, replacement.ToString()),
            _ => xml + xml[..position],
        };

    [Fact]
    public void Broken_error_documents_give_a_typed_error_and_never_show_secrets()
    {
        var gen = Gen.Frequency(
            (3, ErrorWithSecrets.SelectMany(t => Broken(Gen.Const(t.Xml)).Select(b => (Body: b, t.Secret, t.Token)))),
            (1, ErrorWithSecrets.Select(t => (Body: t.Xml, t.Secret, t.Token))),
            (1, TextGen.Bytes.Select(b => (Body: Encoding.UTF8.GetString(b), Secret: "never-in-random-bytes-0", Token: "never-in-random-bytes-1"))));
        gen.Sample(t =>
        {
            var e = OssErrorParser.Parse(HttpStatusCode.Forbidden, t.Body, null, [t.Secret, t.Token]);
            Assert.False(string.IsNullOrEmpty(e.Code));
            // The excerpt of the body is ours to cut; the XmlException text before it may quote half a pair itself.
            var excerpt = e.Message[(e.Message.IndexOf("first bytes: ", StringComparison.Ordinal) + 1)..];
            Assert.True(IsValidUtf16(excerpt), $"half a surrogate pair in: {ShowSurrogates(excerpt)}");
            foreach (var text in (string[])[e.Message, e.ToString(), e.ErrorMessage ?? "", .. e.Details.Values])
            {
                Assert.DoesNotContain(t.Secret, text, StringComparison.Ordinal);
                Assert.DoesNotContain(t.Token, text, StringComparison.Ordinal);
            }
        }, iter: 2000);
    }

    [Fact]
    public async Task Head_error_header_of_any_content_gives_a_typed_error()
    {
        await Gen.Frequency((1, TextGen.Bytes.Select(Convert.ToBase64String)), (1, Gen.String[Gen.Char["A-Za-z0-9+/=!"], 0, 40])).SampleAsync(async header =>
        {
            using var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) };
            response.Headers.TryAddWithoutValidation("x-oss-err", header);
            var e = await OssErrorParser.FromResponseAsync(response, NoSecrets, default);
            Assert.False(string.IsNullOrEmpty(e.Code));
            Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        }, iter: 500);
    }

    // ---- success documents read through the client, as OSS would send them ----

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    private static OssClient ClientAnswering(HttpStatusCode status, byte[] body) =>
        new(new OssClientOptions { Endpoint = "https://oss-cn-hangzhou.aliyuncs.com", MaxRetries = 0, VerifyCrc64 = false },
            new StaticCredentialsProvider(new CloudCredentials("LTAI5tTestKeyId", "TestSecret123")),
            new HttpClient(new Answering(_ => new HttpResponseMessage(status) { Content = new ByteArrayContent(body) })));

    private sealed record Entry(string Key, long Size, string ETag, DateTimeOffset LastModified, string StorageClass);

    private static readonly Gen<Entry> Entries =
        from key in TextGen.Text(20).Where(k => k.Length > 0)
        from size in Gen.Long[0, long.MaxValue]
        from etag in Text
        from modified in Gen.DateTime[new DateTime(2000, 1, 1), new DateTime(2099, 1, 1)]
        from storage in Gen.OneOf("Standard", "IA", "Archive", "ColdArchive")
        select new Entry(key, size, etag, new DateTimeOffset(modified.Ticks - modified.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero), storage);

    // URL-encoded the way OSS does it with encoding-type=url; '+' for a space is also accepted (Go's decoder).
    private static string UrlEncoded(string value, bool plusForSpace) =>
        plusForSpace ? Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal) : Uri.EscapeDataString(value);

    [Fact]
    public async Task Url_encoded_listings_round_trip_keys_prefixes_and_fields()
    {
        var gen = Gen.Select(Entries.Array[0, 5], TextGen.Text(10).Array[0, 3], Gen.Bool, Gen.Select(TextGen.Text(12), Gen.Int[0, int.MaxValue], Gen.Bool, Gen.Bool));
        await gen.SampleAsync(async (entries, prefixes, truncated, more) =>
        {
            var (token, keyCount, plusForSpace, namespaced) = more;
            var xml = Document("ListBucketResult",
            [
                new XElement("Name", "examplebucket"),
                new XElement("EncodingType", "url"),
                new XElement("IsTruncated", truncated ? "true" : "false"),
                new XElement("NextContinuationToken", UrlEncoded(token, plusForSpace)),
                new XElement("KeyCount", keyCount.ToString(CultureInfo.InvariantCulture)),
                .. entries.Select(e => new XElement("Contents",
                    new XElement("Key", UrlEncoded(e.Key, plusForSpace)),
                    new XElement("LastModified", e.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
                    new XElement("ETag", e.ETag),
                    new XElement("Size", e.Size.ToString(CultureInfo.InvariantCulture)),
                    new XElement("StorageClass", e.StorageClass))),
                .. prefixes.Select(p => new XElement("CommonPrefixes", new XElement("Prefix", UrlEncoded(p, plusForSpace)))),
            ], namespaced);
            var page = await ClientAnswering(HttpStatusCode.OK, Encoding.UTF8.GetBytes(xml)).ListObjectsV2Async("examplebucket");
            Assert.Equal(entries.Select(e => e.Key), page.Objects.Select(o => o.Key));
            Assert.Equal(entries.Select(e => e.Size), page.Objects.Select(o => o.Size));
            Assert.Equal(entries.Select(e => ExpectedText(e.ETag)), page.Objects.Select(o => o.ETag));
            Assert.Equal(entries.Select(e => (DateTimeOffset?)e.LastModified), page.Objects.Select(o => o.LastModified));
            Assert.Equal(entries.Select(e => e.StorageClass), page.Objects.Select(o => o.StorageClass));
            Assert.Equal(prefixes, page.CommonPrefixes);
            Assert.Equal(truncated, page.IsTruncated);
            Assert.Equal(token, page.NextContinuationToken);
            Assert.Equal(keyCount, page.KeyCount);
            Assert.Equal("examplebucket", page.Bucket);
        }, iter: 400);
    }

    [Fact]
    public async Task Plain_listings_round_trip_escaped_keys()
    {
        await Gen.Select(Text.Where(k => k.Length > 0).Array[0, 5], Text).SampleAsync(async (keys, token) =>
        {
            var xml = Document("ListBucketResult",
            [
                new XElement("NextContinuationToken", token),
                .. keys.Select(k => new XElement("Contents", new XElement("Key", k))),
            ]);
            var page = await ClientAnswering(HttpStatusCode.OK, Encoding.UTF8.GetBytes(xml)).ListObjectsV2Async("examplebucket");
            Assert.Equal(keys.Select(ExpectedText), page.Objects.Select(o => o.Key));
            Assert.Equal(ExpectedText(token), page.NextContinuationToken);
        }, iter: 400);
    }

    // Keys either URL-encoded (any text) or as XML text (only what XML can carry).
    private static readonly Gen<string> ValidListing =
        Gen.Select(Entries.Array[0, 3], Text.Array[3], Gen.Bool).Select((entries, plainKeys, encoded) => Document("ListBucketResult",
        [
            new XElement("EncodingType", encoded ? "url" : ""),
            new XElement("IsTruncated", "false"),
            .. entries.Select((e, i) => new XElement("Contents", new XElement("Key", encoded ? UrlEncoded(e.Key, false) : plainKeys[i]), new XElement("Size", e.Size))),
        ]));

    private static readonly Gen<string> ValidInitiate =
        Text.Select(id => Document("InitiateMultipartUploadResult", [new XElement("Bucket", "b"), new XElement("Key", "k"), new XElement("UploadId", id)]));

    /// <summary>Runs a parser and checks it ends with a result or with OssException, whatever it was given.</summary>
    private static async Task AssertOnlyTypedFailure(Func<Task> parse)
    {
        try
        {
            await parse();
        }
        catch (OssException e)
        {
            Assert.False(string.IsNullOrEmpty(e.Code));
        }
    }

    private static readonly Gen<byte[]> BrokenBodies = Gen.Frequency(
        (2, Broken(ValidListing).Select(Encoding.UTF8.GetBytes)),
        (1, Broken(ValidInitiate).Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Select(Gen.OneOf("%", "%4", "%G1", "%%", "a%2", "%zz"), TextGen.XmlText(5)).Select((bad, tail) =>
            Encoding.UTF8.GetBytes(Document("ListBucketResult", [new XElement("EncodingType", "url"), new XElement("Contents", new XElement("Key", tail + bad))])))),
        (1, TextGen.Bytes));

    [Fact]
    public async Task Listing_parser_fails_only_with_OssException_on_any_body()
    {
        await BrokenBodies.SampleAsync(body => AssertOnlyTypedFailure(() => ClientAnswering(HttpStatusCode.OK, body).ListObjectsV2Async("examplebucket")), iter: 800);
    }

    [Fact]
    public async Task Multipart_answers_fail_only_with_OssException_on_any_body()
    {
        await BrokenBodies.SampleAsync(async body =>
        {
            var client = ClientAnswering(HttpStatusCode.OK, body);
            await AssertOnlyTypedFailure(() => client.InitiateMultipartUploadAsync("examplebucket", "k"));
            await AssertOnlyTypedFailure(() => client.CompleteMultipartUploadAsync("examplebucket", "k", "upload-1", [new OssUploadedPart(1, "\"e\"", 1, 0)]));
        }, iter: 400);
    }

    [Fact]
    public async Task Initiate_multipart_round_trips_the_upload_id()
    {
        await Text.Where(id => ExpectedText(id).Length > 0).SampleAsync(async id =>
        {
            var xml = Document("InitiateMultipartUploadResult", [new XElement("Bucket", "b"), new XElement("Key", "k"), new XElement("UploadId", id)]);
            Assert.Equal(id, await ClientAnswering(HttpStatusCode.OK, Encoding.UTF8.GetBytes(xml)).InitiateMultipartUploadAsync("examplebucket", "k"));
        }, iter: 300);
    }
}
