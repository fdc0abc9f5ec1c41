using System.Text;
using FunctionCompute.Credentials.Internal;

namespace FunctionCompute.Oss.Signing;

/// <summary>
/// The strict RFC 3986 percent-encoding OSS signs with. Only <c>A-Z a-z 0-9 - . _ ~</c> stay literal
/// (and <c>/</c> in paths); everything else becomes <c>%XX</c> over UTF-8 with uppercase hex.
/// The same encoder must build both the wire URL and the canonical request, otherwise the server
/// recomputes a different signature; .NET's <c>WebUtility.UrlEncode</c> (space as <c>+</c>,
/// <c>!*()</c> kept) is therefore never used.
/// </summary>
public static class OssUriEncoding
{
    /// <summary>Percent-encodes <paramref name="value"/>; <c>/</c> is kept literal when <paramref name="keepSlash"/> is true (paths).</summary>
    public static string Encode(string value, bool keepSlash = false) => PercentEncoding.Encode(value, keepSlash);

    /// <summary>
    /// Decodes <c>%XX</c> sequences (UTF-8). With <paramref name="plusAsSpace"/>, <c>+</c> becomes a space,
    /// mirroring Go's <c>url.QueryUnescape</c> that the official SDK applies to <c>encoding-type=url</c> listings.
    /// </summary>
    /// <exception cref="FormatException">A <c>%</c> is not followed by two hex digits.</exception>
    public static string Decode(string value, bool plusAsSpace = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IndexOf('%') < 0 && (!plusAsSpace || value.IndexOf('+') < 0))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2]))
                {
                    throw new FormatException($"Invalid percent-encoding at position {i}.");
                }

                bytes.Add((byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2])));
                i += 2;
            }
            else if (c == '+' && plusAsSpace)
            {
                bytes.Add((byte)' ');
            }
            else if (char.IsSurrogate(c) && i + 1 < value.Length)
            {
                var n = Encoding.UTF8.GetBytes(value.AsSpan(i, 2), utf8);
                for (var k = 0; k < n; k++) bytes.Add(utf8[k]);
                i++;
            }
            else
            {
                var n = Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
                for (var k = 0; k < n; k++) bytes.Add(utf8[k]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
