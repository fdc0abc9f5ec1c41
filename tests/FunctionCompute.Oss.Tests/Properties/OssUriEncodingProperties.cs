using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss.Tests.Properties;

/// <summary>The percent-encoding of object keys and query values over arbitrary Unicode.</summary>
[Trait("Category", "Property")]
public partial class OssUriEncodingProperties
{
    // Keys are mostly text, with slashes often enough to exercise the path form.
    private static readonly Gen<string> Key = Gen.Frequency(
        (3, TextGen.Text(40)),
        (2, TextGen.Text(8).Array[1, 5].Select(parts => string.Join('/', parts))));

    [GeneratedRegex("^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*$")]
    private static partial Regex StrictlyEncoded();

    [GeneratedRegex("^(?:[A-Za-z0-9._~/-]|%[0-9A-F]{2})*$")]
    private static partial Regex StrictlyEncodedPath();

    private static bool IsUnreserved(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    /// <summary>Every %XX must stand for a byte that had to be escaped: unreserved bytes stay literal.</summary>
    private static void AssertMinimal(string encoded, bool keepSlash)
    {
        for (var i = encoded.IndexOf('%'); i >= 0; i = encoded.IndexOf('%', i + 1))
        {
            var b = Convert.FromHexString(encoded.AsSpan(i + 1, 2))[0];
            Assert.False(IsUnreserved(b), $"unreserved byte 0x{b:X2} was escaped in {encoded}");
            if (keepSlash) Assert.NotEqual((byte)'/', b);
        }
    }

    [Fact]
    public void Query_encoding_is_strict_uppercase_and_reversible()
    {
        Key.Sample(key =>
        {
            var encoded = OssUriEncoding.Encode(key);
            Assert.Matches(StrictlyEncoded(), encoded);
            AssertMinimal(encoded, keepSlash: false);
            Assert.Equal(key, Uri.UnescapeDataString(encoded));
            Assert.Equal(key, OssUriEncoding.Decode(encoded));
            // '+' is escaped, so a decoder that reads '+' as a space (Go's QueryUnescape) still gets the original.
            Assert.Equal(key, OssUriEncoding.Decode(encoded, plusAsSpace: true));
            Assert.Equal(Encoding.UTF8.GetByteCount(key), encoded.Length - 2 * encoded.Count(c => c == '%'));
        }, iter: 3000);
    }

    [Fact]
    public void Path_encoding_keeps_exactly_the_slashes()
    {
        Key.Sample(key =>
        {
            var encoded = OssUriEncoding.Encode(key, keepSlash: true);
            Assert.Matches(StrictlyEncodedPath(), encoded);
            AssertMinimal(encoded, keepSlash: true);
            Assert.Equal(key.Count(c => c == '/'), encoded.Count(c => c == '/'));
            Assert.Equal(key, Uri.UnescapeDataString(encoded));
            // The path form is the query form with %2F turned back into '/'.
            Assert.Equal(OssUriEncoding.Encode(key).Replace("%2F", "/", StringComparison.Ordinal), encoded);
        }, iter: 3000);
    }

    [Fact]
    public void Decoding_text_that_is_not_percent_encoding_fails_only_with_FormatException()
    {
        Gen.Frequency((3, TextGen.Text(30)), (1, Gen.String[Gen.Char["%0123456789ABCDEFabcdefg+"], 0, 12])).Sample(text =>
        {
            try
            {
                _ = OssUriEncoding.Decode(text, plusAsSpace: true);
            }
            catch (FormatException)
            {
                // The documented failure for a '%' without two hex digits.
                Assert.Contains('%', text);
            }
        }, iter: 3000);
    }
}
