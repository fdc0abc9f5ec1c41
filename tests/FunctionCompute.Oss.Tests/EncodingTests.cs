using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss.Tests;

public class EncodingTests
{
    [Theory]
    [InlineData("abcXYZ019-._~", "abcXYZ019-._~")]
    [InlineData("hello world", "hello%20world")]
    [InlineData("a+b", "a%2Bb")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("ü", "%C3%BC")]
    [InlineData("*!'()", "%2A%21%27%28%29")]
    [InlineData("中文", "%E4%B8%AD%E6%96%87")]
    [InlineData("😀", "%F0%9F%98%80")]
    [InlineData("=&?#%", "%3D%26%3F%23%25")]
    [InlineData("", "")]
    public void EncodesStrictlyPerRfc3986(string input, string expected) => Assert.Equal(expected, OssUriEncoding.Encode(input));

    [Theory]
    [InlineData("dir/hello world+ü.txt", "dir/hello%20world%2B%C3%BC.txt")]
    [InlineData("a//b/", "a//b/")]
    [InlineData("../x/./y", "../x/./y")]
    public void PathEncodingKeepsSlashes(string input, string expected) => Assert.Equal(expected, OssUriEncoding.Encode(input, keepSlash: true));

    [Theory]
    [InlineData("dir%2Fa%20b%2Bc", false, "dir/a b+c")]
    [InlineData("a+b", true, "a b")]
    [InlineData("a+b", false, "a+b")]
    [InlineData("%C3%BC%E4%B8%AD", false, "ü中")]
    [InlineData("plain-ü", false, "plain-ü")]
    public void Decodes(string input, bool plusAsSpace, string expected) => Assert.Equal(expected, OssUriEncoding.Decode(input, plusAsSpace));

    [Theory]
    [InlineData("%")]
    [InlineData("%4")]
    [InlineData("%ZZ")]
    public void DecodeRejectsBrokenEscapes(string input) => Assert.Throws<FormatException>(() => OssUriEncoding.Decode(input));

    [Fact]
    public void RoundTripsArbitraryUnicode()
    {
        var s = "key with spaces/+plus/ümlaut/中文/😀/%25/~tilde";
        Assert.Equal(s, OssUriEncoding.Decode(OssUriEncoding.Encode(s)));
        Assert.Equal(s, Uri.UnescapeDataString(OssUriEncoding.Encode(s, keepSlash: true)));
    }

    [Fact]
    public void CanonicalQuerySortsOrdinallyAndWritesBareKeys()
    {
        var q = new List<KeyValuePair<string, string?>> { new("b", "2"), new("a", null), new("B", "x y"), new("c", "") };
        Assert.Equal("B=x%20y&a&b=2&c", OssV4Signer.BuildCanonicalQuery(q));
    }

    [Theory]
    [InlineData(null, null, "/")]
    [InlineData("bkt", null, "/bkt/")]
    [InlineData("bkt", "a b/c", "/bkt/a%20b/c")]
    public void CanonicalUri(string? bucket, string? key, string expected) => Assert.Equal(expected, OssV4Signer.BuildCanonicalUri(bucket, key));
}
