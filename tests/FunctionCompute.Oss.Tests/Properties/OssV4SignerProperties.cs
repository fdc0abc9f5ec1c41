using System.Globalization;
using CsCheck;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss.Tests.Properties;

/// <summary>The V4 signer against an independent reference, and its invariances.</summary>
[Trait("Category", "Property")]
public class OssV4SignerProperties
{
    private const string AccessKeyId = "LTAI5tTestKeyId";
    private const string Secret = "TestSecret123";
    private const string Region = "cn-hangzhou";

    private static readonly Gen<string> Method = Gen.OneOf("GET", "PUT", "POST", "DELETE", "HEAD");
    private static readonly Gen<string> Bucket = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 3, 20];
    private static readonly Gen<string> Key = Gen.Frequency(
        (3, TextGen.Text(30).Where(k => k.Length > 0)),
        (2, TextGen.Text(8).Array[1, 4].Select(parts => string.Join('/', parts)).Where(k => k.Length > 0)));

    private static readonly Gen<string?> QueryValue = Gen.Frequency(
        (4, TextGen.Text(20).Select(v => (string?)v)),
        (1, Gen.Const((string?)null)),
        (1, Gen.Const((string?)"")));

    // Distinct names: how repeated parameters are ordered is not specified.
    private static readonly Gen<(string, string?)[]> Query =
        Gen.Select(Gen.Frequency((2, TextGen.Text(12).Where(n => n.Length > 0)), (1, Gen.OneOf("uploads", "acl", "partNumber", "uploadId", "+param1", "|param1", "list-type"))), QueryValue)
            .Array[0, 6].Select(q => q.DistinctBy(p => p.Item1, StringComparer.Ordinal).ToArray());

    // HTTP header names are ASCII tokens; values are anything that survives a trim the same way for both sides.
    private static readonly Gen<string> HeaderName = Gen.Frequency(
        (3, Gen.OneOf("content-type", "content-md5", "host", "range", "user-agent", "content-length", "date", "x-oss-security-token", "x-oss-object-acl")),
        (3, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 10].Select(s => "x-oss-meta-" + s)),
        (1, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 10]));

    private static readonly Gen<string> HeaderValue = Gen.Frequency((4, TextGen.Text(24)), (1, Gen.OneOf("", " padded ", "UNSIGNED-PAYLOAD")));

    private static readonly Gen<string> XOssDate =
        Gen.DateTime[new DateTime(2000, 1, 1), new DateTime(2099, 12, 31)].Select(d => d.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));

    private static readonly Gen<V4Input> Input =
        from method in Method
        from bucket in Gen.Frequency((8, Bucket.Select(b => (string?)b)), (1, Gen.Const((string?)null)))
        from key in Gen.Frequency((4, Key.Select(k => (string?)k)), (1, Gen.Const((string?)null)))
        from query in Query
        from date in XOssDate
        from headers in Gen.Select(HeaderName, HeaderValue).Array[0, 8]
        from additional in Gen.Frequency((2, Gen.OneOf("host", "range", "Host", "content-type", "x-oss-meta-a", "absent")), (1, HeaderName)).Array[0, 4]
        select new V4Input(
            method,
            bucket,
            bucket is null ? null : key,
            query,
            [("x-oss-date", date), ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"), .. headers.DistinctBy(h => h.Item1).Where(h => h.Item1 is not ("x-oss-date" or "x-oss-content-sha256"))],
            additional);

    private static OssSigningRequest ToRequest(V4Input input, IEnumerable<(string Name, string Value)>? headers = null)
    {
        var request = new OssSigningRequest(input.Method, input.Bucket, input.Key);
        foreach (var (name, value) in input.Query) request.AddQuery(name, value);
        foreach (var (name, value) in headers ?? input.Headers) request.AddHeader(name, value);
        request.AdditionalHeaders.AddRange(input.AdditionalHeaders);
        return request;
    }

    private static OssV4Signature Sign(V4Input input, IEnumerable<(string Name, string Value)>? headers = null) =>
        OssV4Signer.Sign(ToRequest(input, headers), AccessKeyId, Secret, Region);

    [Fact]
    public void Reference_reproduces_the_documented_vector_A()
    {
        // Guards the oracle itself: docs/oss.md §2.7 vector A.
        var input = new V4Input("PUT", "examplebucket", "dir/hello world+ü.txt", [],
            [("Content-Type", "text/plain"), ("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="), ("Content-Length", "5"),
             ("x-oss-date", "20261123T100000Z"), ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"), ("x-oss-security-token", "CAIS-test-token")], []);
        Assert.Equal("f63d7a71d3aba55bb9410ad4a2121ec5a0caab29849c956cd2a49bb9330e453d", ReferenceV4.Sign(input, AccessKeyId, Secret, Region).Signature);
    }

    [Fact]
    public void Canonical_request_and_signature_equal_the_reference()
    {
        Input.Sample(input =>
        {
            var actual = Sign(input);
            Assert.Equal(ReferenceV4.CanonicalRequest(input), actual.CanonicalRequest);
            var (signature, authorization) = ReferenceV4.Sign(input, AccessKeyId, Secret, Region);
            Assert.Equal(signature, actual.Signature);
            Assert.Equal(authorization, actual.Authorization);
            Assert.Equal(ReferenceV4.CanonicalQuery(input.Query), OssV4Signer.BuildCanonicalQuery(input.Query.Select(q => KeyValuePair.Create(q.Name, q.Value))));
        }, iter: 1500);
    }

    [Fact]
    public void Header_name_case_and_order_and_query_order_do_not_change_the_signature()
    {
        var gen = from input in Input
                  from shuffledHeaders in Gen.Shuffle(input.Headers.ToArray())
                  from upper in Gen.Bool.Array[shuffledHeaders.Length]
                  from shuffledQuery in Gen.Shuffle(input.Query.ToArray())
                  select (input, shuffledHeaders.Select((h, i) => (upper[i] ? h.Name.ToUpperInvariant() : h.Name, h.Value)).ToArray(), shuffledQuery);
        gen.Sample(t =>
        {
            var (input, headers, query) = t;
            var reordered = input with { Query = query };
            Assert.Equal(Sign(input).Signature, Sign(reordered, headers).Signature);
        }, iter: 1000);
    }

    private enum Part { Method, Key, Bucket, QueryValue, NewQueryParameter, SignedHeader, NewSignedHeader, Date, Secret, Region, UnsignedHeader }

    [Fact]
    public void Changing_a_signed_part_changes_the_signature_and_an_unsigned_header_does_not()
    {
        Gen.Select(Input, Gen.Enum<Part>(), Gen.String[Gen.Char.AlphaNumeric, 1, 6]).Sample((input, part, extra) =>
        {
            var before = Sign(input).Signature;
            string after;
            switch (part)
            {
                case Part.Method:
                    after = Sign(input with { Method = input.Method == "GET" ? "PUT" : "GET" }).Signature;
                    break;
                case Part.Key when input.Bucket is not null:
                    after = Sign(input with { Key = (input.Key ?? "") + extra }).Signature;
                    break;
                case Part.Bucket when input.Bucket is not null:
                    after = Sign(input with { Bucket = input.Bucket + extra }).Signature;
                    break;
                case Part.QueryValue when input.Query.Count > 0:
                    after = Sign(input with { Query = [.. input.Query.Skip(1), (input.Query[0].Name, input.Query[0].Value + extra)] }).Signature;
                    break;
                case Part.NewQueryParameter:
                    after = Sign(input with { Query = [.. input.Query.Where(q => q.Name != "new-" + extra), ("new-" + extra, null)] }).Signature;
                    break;
                case Part.SignedHeader:
                    // x-oss-content-sha256 is always present and always signed.
                    after = Sign(input with { Headers = [.. input.Headers.Select(h => h.Name == "x-oss-content-sha256" ? (h.Name, h.Value + extra) : h)] }).Signature;
                    break;
                case Part.NewSignedHeader:
                    after = Sign(input with { Headers = [.. input.Headers.Where(h => h.Name != "x-oss-meta-new" + extra), ("x-oss-meta-new" + extra.ToLowerInvariant(), extra)] }).Signature;
                    break;
                case Part.Date:
                    var date = input.Headers[0].Value;
                    var changed = date[..^2] + (date[^2] == '0' ? "1" : "0") + "Z";
                    after = Sign(input with { Headers = [("x-oss-date", changed), .. input.Headers.Skip(1)] }).Signature;
                    break;
                case Part.Secret:
                    after = OssV4Signer.Sign(ToRequest(input), AccessKeyId, Secret + extra, Region).Signature;
                    break;
                case Part.Region:
                    after = OssV4Signer.Sign(ToRequest(input), AccessKeyId, Secret, Region + extra).Signature;
                    break;
                default:
                    // An unsigned header (and any part the sample cannot change) leaves the signature as it was.
                    var name = "x-unsigned-" + extra.ToLowerInvariant();
                    if (input.AdditionalHeaders.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase))) return;
                    Assert.Equal(before, Sign(input with { Headers = [.. input.Headers, (name, extra)] }).Signature);
                    return;
            }

            Assert.NotEqual(before, after);
        }, iter: 1200);
    }

    [Fact]
    public void Verify_accepts_what_Sign_produced_and_rejects_a_tampered_request()
    {
        Gen.Select(Input, Gen.String[Gen.Char.AlphaNumeric, 1, 6]).Sample((input, extra) =>
        {
            var signature = Sign(input);
            Assert.True(OssV4Authorization.TryParse(signature.Authorization, out var authorization));
            Assert.True(OssV4Signer.Verify(ToRequest(input), authorization!, Secret));
            var tampered = input with { Query = [.. input.Query.Where(q => q.Name != "t-" + extra), ("t-" + extra, extra)] };
            Assert.False(OssV4Signer.Verify(ToRequest(tampered), authorization!, Secret));
        }, iter: 300);
    }
}
