using System.Buffers;
using System.Text;

namespace FunctionCompute.Credentials.Internal;

/// <summary>
/// Strict RFC 3986 percent-encoding over UTF-8, the one both Alibaba Cloud signatures use (STS's RPC signature here,
/// OSS V4 in FunctionCompute.Oss): only <c>A-Z a-z 0-9 - . _ ~</c> stay literal (and <c>/</c> when asked, for paths);
/// every other byte becomes <c>%XX</c> with upper-case hex, space <c>%20</c>, never <c>+</c>. Shared through
/// InternalsVisibleTo; the public faces are <c>RpcSignature.PercentEncode</c> and <c>OssUriEncoding.Encode</c>.
/// </summary>
internal static class PercentEncoding
{
    private const string HexUpper = "0123456789ABCDEF";

    /// <summary>Percent-encodes <paramref name="value"/>; <c>/</c> is kept literal when <paramref name="keepSlash"/> is true (paths).</summary>
    public static string Encode(string value, bool keepSlash = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!NeedsEncoding(value, keepSlash))
        {
            return value;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, rented);
            var sb = new StringBuilder(written * 3);
            foreach (var b in rented.AsSpan(0, written))
            {
                if (IsUnreserved(b) || (keepSlash && b == (byte)'/'))
                {
                    sb.Append((char)b);
                }
                else
                {
                    sb.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
                }
            }

            return sb.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsUnreserved(byte b) =>
        (b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'a' && b <= (byte)'z') || (b >= (byte)'0' && b <= (byte)'9')
        || b == (byte)'-' || b == (byte)'.' || b == (byte)'_' || b == (byte)'~';

    private static bool NeedsEncoding(string value, bool keepSlash)
    {
        foreach (var c in value)
        {
            if (c > 0x7F || (!IsUnreserved((byte)c) && !(keepSlash && c == '/')))
            {
                return true;
            }
        }

        return false;
    }
}
