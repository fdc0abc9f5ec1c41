using System.Text;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Credentials.Signing;

namespace FunctionCompute.Credentials.Tests;

/// <summary>The text helpers the libraries share (Internal/: percent-encoding, truncation, secret masking).</summary>
public sealed class SharedTextTests
{
    [Theory]
    [InlineData("AZaz09-_.~", false, "AZaz09-_.~")]
    [InlineData("a b+c", false, "a%20b%2Bc")]
    [InlineData("dir/file name", false, "dir%2Ffile%20name")]
    [InlineData("dir/file name", true, "dir/file%20name")]
    [InlineData("é中😀", false, "%C3%A9%E4%B8%AD%F0%9F%98%80")]
    public void PercentEncodingKeepsOnlyUnreservedBytes(string input, bool keepSlash, string expected) =>
        Assert.Equal(expected, PercentEncoding.Encode(input, keepSlash));

    [Fact]
    public void RpcSignatureEncodesWithTheSharedEncoderForEveryByte()
    {
        // All 256 byte values (as Latin-1 chars, so each is one char) and a supplementary-plane character.
        var all = string.Concat(Enumerable.Range(0, 256).Select(i => (char)i)) + "😀";
        Assert.Equal(PercentEncoding.Encode(all), RpcSignature.PercentEncode(all));
        Assert.Equal(Encoding.UTF8.GetByteCount(all), Decode(RpcSignature.PercentEncode(all)).Length);
    }

    private static byte[] Decode(string encoded)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%')
            {
                bytes.Add(Convert.ToByte(encoded.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)encoded[i]);
            }
        }

        return [.. bytes];
    }

    [Fact]
    public void TruncateKeepsShortTextAndCutsLongTextWithAnEllipsis()
    {
        Assert.Equal("abc", TextCut.Truncate("abc", 3));
        Assert.Equal("ab…", TextCut.Truncate("abcd", 2));
    }

    [Fact]
    public void TruncateNeverSplitsASurrogatePair()
    {
        var text = "ab😀cd"; // the emoji is chars 2 and 3
        Assert.Equal("ab…", TextCut.Truncate(text, 3));
        Assert.Equal("ab😀…", TextCut.Truncate(text, 4));
        foreach (var max in Enumerable.Range(1, text.Length))
        {
            var kept = TextCut.Truncate(text, max).TrimEnd('…');
            Assert.False(char.IsHighSurrogate(kept[^1]), kept);
        }
    }

    [Fact]
    public void SecretMaskReplacesEveryOccurrenceAndIgnoresEmptySecrets()
    {
        Assert.Equal("a *** b ***", SecretMask.Apply("a s3cr3t b s3cr3t", "s3cr3t"));
        Assert.Equal("unchanged", SecretMask.Apply("unchanged", ""));
        Assert.Equal("unchanged", SecretMask.Apply("unchanged", null));
        Assert.Equal("S3CR3T", SecretMask.Apply("S3CR3T", "s3cr3t")); // ordinal: a different text is not the secret
    }
}
