using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using FunctionCompute.Credentials.Signing;

namespace FunctionCompute.Credentials.Tests.Properties;

/// <summary>POP RPC signature v1 against a reference written from docs/credentials.md §4.1.</summary>
[Trait("Category", "Property")]
public partial class RpcSignatureProperties
{
    [GeneratedRegex("[!'()*]")]
    private static partial Regex StillReserved();

    // The reference SDK's route (the Node vectors script): RFC 3986 escaping, then the five characters
    // encodeURIComponent leaves alone escaped by hand.
    private static string ReferenceEncode(string value) =>
        StillReserved().Replace(Uri.EscapeDataString(value), m => "%" + ((int)m.Value[0]).ToString("X2"));

    // §4.1 steps 3-4: sort by raw name (ordinal), encode both sides, join with '&'; Signature excluded.
    private static string ReferenceCanonical(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Where(p => p.Key != "Signature").OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => ReferenceEncode(p.Key) + "=" + ReferenceEncode(p.Value)));

    // §4.1 steps 5-6.
    private static string ReferenceSign(string method, IEnumerable<KeyValuePair<string, string>> parameters, string secret)
    {
        var stringToSign = method + "&" + ReferenceEncode("/") + "&" + ReferenceEncode(ReferenceCanonical(parameters));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret + "&"), Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static readonly Gen<string> Name = Gen.Frequency(
        (2, Gen.OneOf("Action", "Version", "Format", "Timestamp", "AccessKeyId", "SignatureNonce", "SecurityToken", "RoleArn", "Policy", "Signature", "~tilde", "a*b", "x y")),
        (3, TextGen.Text(12).Where(n => n.Length > 0)));

    private static readonly Gen<KeyValuePair<string, string>[]> Parameters =
        Gen.Select(Name, TextGen.Text(30)).Array[0, 10]
            .Select(ps => ps.DistinctBy(p => p.Item1, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Item1, p.Item2)).ToArray());

    private static readonly Gen<string> Method = Gen.OneOf("GET", "POST");

    [Fact]
    public void Reference_reproduces_the_documented_vectors()
    {
        // Guards the oracle itself: docs/credentials.md §4.3.
        KeyValuePair<string, string>[] vector =
        [
            new("Action", "AssumeRole"), new("Version", "2015-04-01"), new("Format", "JSON"), new("Timestamp", "2026-11-23T10:00:00Z"),
            new("SignatureMethod", "HMAC-SHA1"), new("SignatureVersion", "1.0"), new("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            new("AccessKeyId", "LTAI5tTestKeyId"), new("RoleArn", "acs:ram::1234567890123456:role/test-role"),
            new("RoleSessionName", "fc-session"), new("DurationSeconds", "3600"),
        ];
        Assert.Equal("hMd7x9N70LVdZrxkiQoqvJHtw84=", ReferenceSign("POST", vector, "TestSecret123"));
        Assert.Equal("bGMKN/P72EDzaoeom4rvjSN61sU=", ReferenceSign("GET", vector, "TestSecret123"));
    }

    [Fact]
    public void Percent_encoding_equals_the_reference_and_is_reversible()
    {
        TextGen.Text(40).Sample(text =>
        {
            var encoded = RpcSignature.PercentEncode(text);
            Assert.Equal(ReferenceEncode(text), encoded);
            Assert.Matches("^(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*$", encoded);
            Assert.Equal(text, Uri.UnescapeDataString(encoded));
        }, iter: 1500);
    }

    [Fact]
    public void Canonical_query_string_and_signature_equal_the_reference()
    {
        Gen.Select(Parameters, Method, TextGen.Text(20).Where(s => s.Length > 0)).Sample((parameters, method, secret) =>
        {
            Assert.Equal(ReferenceCanonical(parameters), RpcSignature.CanonicalizedQueryString(parameters));
            Assert.Equal(ReferenceSign(method, parameters, secret), RpcSignature.Sign(method, parameters, secret));
        }, iter: 800);
    }

    [Fact]
    public void Parameter_order_does_not_matter_but_every_value_does()
    {
        var gen = from parameters in Parameters.Where(p => p.Any(x => x.Key != "Signature"))
                  from shuffled in Gen.Shuffle(parameters.ToArray())
                  from changed in Gen.Int[0, parameters.Length - 1]
                  from extra in Gen.String[Gen.Char.AlphaNumeric, 1, 5]
                  select (parameters, shuffled, changed, extra);
        gen.Sample(t =>
        {
            var signature = RpcSignature.Sign("POST", t.parameters, "secret");
            Assert.Equal(signature, RpcSignature.Sign("POST", t.shuffled, "secret"));
            var (name, value) = t.parameters[t.changed];
            var changed = t.parameters.Select((p, i) => i == t.changed ? KeyValuePair.Create(name, value + t.extra) : p).ToArray();
            // Only the Signature parameter itself is not signed.
            if (name == "Signature") Assert.Equal(signature, RpcSignature.Sign("POST", changed, "secret"));
            else Assert.NotEqual(signature, RpcSignature.Sign("POST", changed, "secret"));
            Assert.NotEqual(signature, RpcSignature.Sign("GET", t.parameters, "secret"));
            Assert.NotEqual(signature, RpcSignature.Sign("POST", t.parameters, "secret" + t.extra));
        }, iter: 500);
    }
}
